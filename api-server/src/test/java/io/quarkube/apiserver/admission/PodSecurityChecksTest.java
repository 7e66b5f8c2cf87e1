package io.quarkube.apiserver.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.quarkube.apiserver.admission.PodSecurityChecks.Level;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Pod Security Standards with upstream's wording. */
class PodSecurityChecksTest {
  private static List<String> check(Level level, Pod pod) {
    return PodSecurityChecks.check(level, pod.getMetadata(), pod.getSpec());
  }

  private static PodBuilder plain() {
    return new PodBuilder().withNewMetadata().withName("p").endMetadata().withNewSpec().addNewContainer()
        .withName("c").withImage("busybox").endContainer().endSpec();
  }

  @Test
  void aPlainPodIsBaselineButNotRestricted() {
    Pod pod = plain().build();
    assertTrue(check(Level.PRIVILEGED, pod).isEmpty());
    assertTrue(check(Level.BASELINE, pod).isEmpty());
    assertEquals(List.of(
        "allowPrivilegeEscalation != false (container \"c\" must set securityContext.allowPrivilegeEscalation=false)",
        "unrestricted capabilities (container \"c\" must set securityContext.capabilities.drop=[\"ALL\"])",
        "runAsNonRoot != true (pod or container \"c\" must set securityContext.runAsNonRoot=true)",
        "seccompProfile (pod or container \"c\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or "
            + "\"Localhost\")"), check(Level.RESTRICTED, pod));
  }

  @Test
  void privilegedHostAccessViolatesBaseline() {
    Pod pod = plain().editSpec().withHostNetwork(true).withHostPID(true).editFirstContainer().withNewSecurityContext()
        .withPrivileged(true).withNewCapabilities().withAdd("SYS_ADMIN", "CHOWN").endCapabilities()
        .endSecurityContext().addNewPort().withContainerPort(80).withHostPort(8080).endPort().endContainer()
        .addNewVolume().withName("root").withNewHostPath().withPath("/").endHostPath().endVolume().endSpec().build();
    List<String> v = check(Level.BASELINE, pod);
    assertTrue(v.contains("privileged (container \"c\" must not set securityContext.privileged=true)"), v::toString);
    assertTrue(v.contains("host namespaces (hostNetwork=true, hostPID=true)"), v::toString);
    assertTrue(v.contains("hostPath volumes (volume \"root\")"), v::toString);
    assertTrue(v.contains("hostPort (container \"c\" uses hostPort 8080)"), v::toString);
    assertTrue(v.contains("non-default capabilities (container \"c\" must not include \"SYS_ADMIN\" in "
        + "securityContext.capabilities.add)"), v::toString);
  }

  @Test
  void aHardenedPodIsRestricted() {
    Pod pod = plain().editSpec().withNewSecurityContext().withRunAsNonRoot(true).withNewSeccompProfile()
        .withType("RuntimeDefault").endSeccompProfile().endSecurityContext().editFirstContainer()
        .withNewSecurityContext().withAllowPrivilegeEscalation(false).withNewCapabilities().withDrop("ALL")
        .withAdd("NET_BIND_SERVICE").endCapabilities().endSecurityContext().endContainer()
        .addNewVolume().withName("data").withNewEmptyDir().endEmptyDir().endVolume().endSpec().build();
    assertEquals(List.of(), check(Level.RESTRICTED, pod));
  }
}
