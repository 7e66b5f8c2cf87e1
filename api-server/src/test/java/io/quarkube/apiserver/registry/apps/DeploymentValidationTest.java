package io.quarkube.apiserver.registry.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.quarkube.apiserver.registry.Strategy;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeploymentValidationTest {
  private final Strategy<Deployment> strategy = WorkloadStrategies.deployments();

  private static Deployment deployment() {
    return new DeploymentBuilder().withNewMetadata().withName("web").endMetadata().withNewSpec().withNewSelector()
        .addToMatchLabels("app", "web").endSelector().withNewTemplate().withNewMetadata().addToLabels("app", "web")
        .endMetadata().withNewSpec().addNewContainer().withName("app").withImage("busybox:1.35.0").endContainer()
        .endSpec().endTemplate().endSpec().build();
  }

  private List<String> created(Deployment d) {
    strategy.prepareForCreate(d);
    return strategy.validate(d).stream().map(Object::toString).toList();
  }

  @Test
  void aStatusWriteIsStoredAsUpstreamSerializesIt() {
    Deployment old = deployment();
    Deployment d = deployment();
    d.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder().withObservedGeneration(2L)
        .withReplicas(0).withReadyReplicas(0).withAvailableReplicas(0).withUnavailableReplicas(0).build());
    strategy.prepareForUpdate(d, old);
    assertEquals(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder().withObservedGeneration(2L)
        .build(), d.getStatus(), "zero omitempty counters left out");
  }

  @Test
  void aDefaultedDeploymentIsValid() {
    assertEquals(List.of(), created(deployment()));
  }

  @Test
  void maxSurgeAndMaxUnavailableMayNotBothBeZero() {
    Deployment d = deployment();
    d.getSpec().setStrategy(new io.fabric8.kubernetes.api.model.apps.DeploymentStrategyBuilder()
        .withType("RollingUpdate").withNewRollingUpdate().withMaxSurge(new IntOrString(0))
        .withMaxUnavailable(new IntOrString("0%")).endRollingUpdate().build());
    assertEquals(List.of("spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "
        + "intstr.IntOrString{Type:1, IntVal:0, StrVal:\"0%\"}: may not be 0 when `maxSurge` is 0"), created(d));
  }

  @Test
  void theStrategyTypeIsRecreateOrRollingUpdate() {
    Deployment d = deployment();
    d.getSpec().setStrategy(new io.fabric8.kubernetes.api.model.apps.DeploymentStrategyBuilder().withType("Canary")
        .build());
    assertEquals(List.of("spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:\"Canary\", "
        + "RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: \"Recreate\", \"RollingUpdate\""),
        created(d));
  }

  @Test
  void revisionHistoryLimitIsNotNegative() {
    Deployment d = deployment();
    d.getSpec().setRevisionHistoryLimit(-1);
    assertEquals(List.of("spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0"),
        created(d));
  }

  @Test
  void podsOfADeploymentRestartAlways() {
    Deployment d = deployment();
    d.getSpec().getTemplate().getSpec().setRestartPolicy("OnFailure");
    assertEquals(List.of("spec.template.spec.restartPolicy: Unsupported value: \"OnFailure\": supported values: "
        + "\"Always\""), created(d));
  }
}
