package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a pod's spec makes of its containers on the real node: command and args, $(VAR) expansion, ConfigMap and
 * Secret keys as env and files, the downward API. Each pod prints what it sees and exits; the test reads its log.
 */
@ExtendWith(TestNamespace.class)
class PodSpecTest {
  private static final Duration RUN = Duration.ofSeconds(90);
  private final KubernetesClient client = RealNode.client();

  private PodBuilder pod(String ns, String name, ContainerBuilder container) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata().withNewSpec()
        .withNodeName(RealNode.name()).withRestartPolicy("Never").withTerminationGracePeriodSeconds(1L)
        .withContainers(container.withName("main").withImage("busybox").build()).endSpec();
  }

  /** Runs the pod to Succeeded and returns its log. */
  private String output(Pod pod) {
    client.resource(pod).create();
    String ns = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    Await.until(RUN, "pod " + name + " succeeded", () -> {
      Pod p = RealNode.pod(ns, name);
      if (p != null && p.getStatus() != null && "Failed".equals(p.getStatus().getPhase())) {
        throw new AssertionError("pod " + name + " failed: " + p.getStatus() + "\nlog: "
            + client.pods().inNamespace(ns).withName(name).getLog());
      }
      return p != null && p.getStatus() != null && "Succeeded".equals(p.getStatus().getPhase());
    });
    return client.pods().inNamespace(ns).withName(name).getLog();
  }

  private static Set<String> lines(String log) {
    return Arrays.stream(log.split("\n")).map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
  }

  @Conformance("node.command-args")
  @Test
  void commandAndArgsOverrideTheImage(String ns) {
    // The busybox image has no entrypoint and cmd ["sh"].
    assertEquals("from-args\n", output(pod(ns, "args", new ContainerBuilder().withArgs("echo", "from-args"))
        .build()));
    assertEquals("from-command\n", output(pod(ns, "command", new ContainerBuilder().withCommand("echo",
        "from-command")).build()));
    assertEquals("one two\n", output(pod(ns, "both", new ContainerBuilder().withCommand("echo").withArgs("one",
        "two")).build()));
    // Neither: the image's cmd runs (sh, kept alive by an open stdin), as process 1.
    client.resource(pod(ns, "defaults", new ContainerBuilder().withStdin(true)).editSpec()
        .withRestartPolicy("Always").endSpec().build()).create();
    RealNode.awaitPhase(ns, "defaults", "Running", RUN);
    Await.until(Duration.ofSeconds(30), "sh as pid 1", () -> Kubectl.stock().run("exec", "defaults", "-n", ns,
        "--", "cat", "/proc/1/cmdline").out().equals("sh\0"));
  }

  @Conformance("node.env-expansion")
  @Test
  void variableReferencesExpand(String ns) {
    String log = output(pod(ns, "expand", new ContainerBuilder()
        .withEnv(new EnvVarBuilder().withName("FOO").withValue("foo-value").build(),
            new EnvVarBuilder().withName("BAR").withValue("bar-value").build(),
            new EnvVarBuilder().withName("FOOBAR").withValue("$(FOO);;$(BAR)").build(),
            new EnvVarBuilder().withName("ESCAPED").withValue("$$(FOO)").build(),
            new EnvVarBuilder().withName("MISSING").withValue("$(NOT_DEFINED)").build())
        .withCommand("sh", "-c", "echo command:$(FOO); echo FOOBAR=$FOOBAR; echo ESCAPED=$ESCAPED;"
            + " echo MISSING=$MISSING; echo zero:$0", "$(BAR)")).build());
    // $(FOO) in the command and $(BAR) as $0 are expanded by the kubelet, not by the shell.
    assertEquals(Set.of("command:foo-value", "FOOBAR=foo-value;;bar-value", "ESCAPED=$(FOO)",
        "MISSING=$(NOT_DEFINED)", "zero:bar-value"), lines(log), log);
    String args = output(pod(ns, "expand-args", new ContainerBuilder()
        .withEnv(new EnvVarBuilder().withName("MESSAGE").withValue("hello-args").build())
        .withCommand("sh", "-c").withArgs("echo $(MESSAGE)")).build());
    assertEquals("hello-args\n", args);
  }

  @Conformance("node.configmap-secret-env")
  @Test
  void configMapAndSecretKeysAsEnvironment(String ns) {
    client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("settings")
        .endMetadata().addToData("colour", "blue").addToData("size", "7").build()).create();
    client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName("creds")
        .endMetadata().addToStringData("password", "s3cret").addToStringData("user", "admin").build()).create();
    String log = output(pod(ns, "env", new ContainerBuilder()
        .addNewEnv().withName("COLOUR").withNewValueFrom().withNewConfigMapKeyRef("colour", "settings", false)
        .endValueFrom().endEnv()
        .addNewEnv().withName("PASSWORD").withNewValueFrom().withNewSecretKeyRef("password", "creds", false)
        .endValueFrom().endEnv()
        .addNewEnvFrom().withPrefix("CM_").withNewConfigMapRef("settings", false).endEnvFrom()
        .addNewEnvFrom().withPrefix("SECRET_").withNewSecretRef("creds", false).endEnvFrom()
        .withCommand("env")).build());
    assertTrue(lines(log).containsAll(Set.of("COLOUR=blue", "PASSWORD=s3cret", "CM_colour=blue", "CM_size=7",
        "SECRET_password=s3cret", "SECRET_user=admin")), log);
  }

  @Conformance("storage.configmap-secret-volumes")
  @Test
  void configMapAndSecretVolumesAndUpdates(String ns) {
    client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("files")
        .endMetadata().addToData("data-1", "value-1").build()).create();
    client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName("secret-files")
        .endMetadata().addToStringData("token", "abc").build()).create();
    client.resource(pod(ns, "mounts", new ContainerBuilder().withCommand("sleep", "3600")
        .addNewVolumeMount().withName("cm").withMountPath("/etc/cm").endVolumeMount()
        .addNewVolumeMount().withName("secret").withMountPath("/etc/secret").withReadOnly(true).endVolumeMount())
        .editSpec().addNewVolume().withName("cm").withNewConfigMap().withName("files").endConfigMap().endVolume()
        .addNewVolume().withName("secret").withNewSecret().withSecretName("secret-files").endSecret().endVolume()
        .endSpec().build()).create();
    RealNode.awaitPhase(ns, "mounts", "Running", RUN);
    Kubectl k = Kubectl.stock();
    assertEquals("value-1", k.run("exec", "mounts", "-n", ns, "--", "cat", "/etc/cm/data-1").ok().out());
    assertEquals("abc", k.run("exec", "mounts", "-n", ns, "--", "cat", "/etc/secret/token").ok().out());
    String mode = k.run("exec", "mounts", "-n", ns, "--", "stat", "-L", "-c", "%a", "/etc/cm/data-1").ok().out()
        .strip();
    assertEquals("644", mode, "default file mode");
    client.configMaps().inNamespace(ns).withName("files").edit(cm -> new ConfigMapBuilder(cm)
        .addToData("data-1", "value-2").build());
    Await.until(Duration.ofSeconds(120), "the update reaches the volume", () -> k.run("exec", "mounts", "-n",
        ns, "--", "cat", "/etc/cm/data-1").out().equals("value-2"));
  }

  @Conformance("node.downward-api")
  @Test
  void downwardApiEnvAndFiles(String ns) {
    Pod pod = pod(ns, "downward", new ContainerBuilder()
        .withResources(new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
            .addToRequests(Map.of("cpu", new Quantity("250m"), "memory", new Quantity("32Mi")))
            .addToLimits(Map.of("cpu", new Quantity("1250m"), "memory", new Quantity("64Mi"))).build())
        .addNewEnv().withName("POD_NAME").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name")
        .endFieldRef().endValueFrom().endEnv()
        .addNewEnv().withName("POD_NAMESPACE").withNewValueFrom().withNewFieldRef()
        .withFieldPath("metadata.namespace").endFieldRef().endValueFrom().endEnv()
        .addNewEnv().withName("POD_UID").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.uid")
        .endFieldRef().endValueFrom().endEnv()
        .addNewEnv().withName("POD_IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP")
        .endFieldRef().endValueFrom().endEnv()
        .addNewEnv().withName("HOST_IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.hostIP")
        .endFieldRef().endValueFrom().endEnv()
        .addNewEnv().withName("CPU_LIMIT").withNewValueFrom().withNewResourceFieldRef().withResource("limits.cpu")
        .endResourceFieldRef().endValueFrom().endEnv()
        .addNewEnv().withName("MEMORY_LIMIT").withNewValueFrom().withNewResourceFieldRef()
        .withResource("limits.memory").endResourceFieldRef().endValueFrom().endEnv()
        .addNewEnv().withName("CPU_REQUEST").withNewValueFrom().withNewResourceFieldRef()
        .withResource("requests.cpu").endResourceFieldRef().endValueFrom().endEnv()
        .addNewEnv().withName("MEMORY_REQUEST").withNewValueFrom().withNewResourceFieldRef()
        .withResource("requests.memory").endResourceFieldRef().endValueFrom().endEnv()
        .addNewVolumeMount().withName("podinfo").withMountPath("/etc/podinfo").endVolumeMount()
        .withCommand("sh", "-c", "env; echo file-name=$(cat /etc/podinfo/name); echo file-labels=$(cat"
            + " /etc/podinfo/labels)"))
        .editMetadata().addToLabels("tier", "e2e").endMetadata()
        .editSpec().addNewVolume().withName("podinfo").withNewDownwardAPI()
        .addNewItem().withPath("name").withNewFieldRef().withFieldPath("metadata.name").endFieldRef().endItem()
        .addNewItem().withPath("labels").withNewFieldRef().withFieldPath("metadata.labels").endFieldRef().endItem()
        .endDownwardAPI().endVolume().endSpec().build();
    String log = output(pod);
    Pod done = RealNode.pod(ns, "downward");
    Set<String> lines = lines(log);
    assertTrue(lines.containsAll(Set.of("POD_NAME=downward", "POD_NAMESPACE=" + ns,
        "POD_UID=" + done.getMetadata().getUid(), "POD_IP=" + done.getStatus().getPodIP(),
        "HOST_IP=" + done.getStatus().getHostIP(), "CPU_LIMIT=2", "MEMORY_LIMIT=67108864", "CPU_REQUEST=1",
        "MEMORY_REQUEST=33554432", "file-name=downward", "file-labels=tier=\"e2e\"")), log);
  }

  @Conformance("node.downward-api")
  @Test
  void limitsDefaultToTheNodesAllocatable(String ns) {
    Pod pod = pod(ns, "downward-api-defaults", new ContainerBuilder()
        .addNewEnv().withName("CPU_LIMIT").withNewValueFrom().withNewResourceFieldRef().withResource("limits.cpu")
        .endResourceFieldRef().endValueFrom().endEnv()
        .addNewEnv().withName("MEMORY_LIMIT").withNewValueFrom().withNewResourceFieldRef()
        .withResource("limits.memory").endResourceFieldRef().endValueFrom().endEnv()
        .withCommand("sh", "-c", "env")).build();
    Set<String> lines = lines(output(pod));
    Map<String, Quantity> allocatable = RealNode.node().getStatus().getAllocatable();
    // cores rounded up, bytes: the divisor 1 of each resource
    long cpu = Quantity.getAmountInBytes(allocatable.get("cpu")).setScale(0, java.math.RoundingMode.CEILING)
        .longValueExact();
    long memory = Quantity.getAmountInBytes(allocatable.get("memory")).setScale(0, java.math.RoundingMode.CEILING)
        .longValueExact();
    assertTrue(lines.containsAll(Set.of("CPU_LIMIT=" + cpu, "MEMORY_LIMIT=" + memory)), lines.toString());
  }

  @Conformance("node.logs")
  @Test
  void logsSince(String ns) {
    client.resource(pod(ns, "quiet", new ContainerBuilder().withCommand("sh", "-c",
        "echo first; echo second; sleep 3600")).build()).create();
    RealNode.awaitPhase(ns, "quiet", "Running", RUN);
    Kubectl k = Kubectl.stock();
    Await.until(Duration.ofSeconds(30), "two lines logged", () -> k.run("logs", "quiet", "-n", ns).out()
        .equals("first\nsecond\n"));
    assertEquals("first\nsecond\n", k.run("logs", "quiet", "-n", ns, "--since=24h").ok().out());
    // Nothing was written in the last second once a second has passed since the lines.
    Await.until(Duration.ofSeconds(30), "--since=1s shows nothing", () -> k.run("logs", "quiet", "-n", ns,
        "--since=1s").out().isEmpty());
  }

  @Conformance("auth.projected-token-volume")
  @Test
  void projectedServiceAccountTokenVolume(String ns) {
    // upstream's TokenRequestProjection test: a read-only projected serviceAccountToken volume holds a JWT
    Pod pod = pod(ns, "projected-token", new ContainerBuilder().withCommand("sh", "-c",
        "echo \"content of file /test-volume/token: $(cat /test-volume/token)\"")
        .addNewVolumeMount().withName("test-volume").withMountPath("/test-volume").withReadOnly(true)
        .endVolumeMount())
        .editSpec().addNewVolume().withName("test-volume").withNewProjected().addNewSource()
        .withNewServiceAccountToken().withPath("token").withExpirationSeconds(3600L).endServiceAccountToken()
        .endSource().endProjected().endVolume().endSpec().build();
    String log = output(pod);
    assertTrue(log.matches("(?s)content of file /test-volume/token: "
        + "[A-Za-z0-9-_=]+\\.[A-Za-z0-9-_=]+\\.[A-Za-z0-9-_=]+\n"), log);
  }
}
