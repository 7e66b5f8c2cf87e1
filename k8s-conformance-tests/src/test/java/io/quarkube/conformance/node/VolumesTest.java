package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Pod volumes on the real node, read from inside the containers with {@code kubectl exec}: configMap (updates reach a
 * running pod), secret, emptyDir (disk and memory), hostPath, downwardAPI and the projected ServiceAccount token.
 */
@Conformance({"storage.emptydir-projected", "storage.configmap-secret-volumes"})
@ExtendWith(TestNamespace.class)
class VolumesTest {
  private static final Duration START = Duration.ofSeconds(60);

  private static String exec(String ns, String pod, String... command) {
    String[] args = new String[command.length + 5];
    args[0] = "exec";
    args[1] = pod;
    args[2] = "-n";
    args[3] = ns;
    args[4] = "--";
    System.arraycopy(command, 0, args, 5, command.length);
    return Kubectl.stock().run(args).ok().out();
  }

  private static PodBuilder sleeper(String ns, String name) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata().withNewSpec()
        .withNodeName(RealNode.name()).withTerminationGracePeriodSeconds(1L)
        .addNewContainer().withName("main").withImage("busybox").withCommand("sleep", "3600").endContainer()
        .endSpec();
  }

  @Test
  void configMapChangeReachesTheMountedFileOfARunningPod(String ns) {
    RealNode.client().resource(new ConfigMapBuilder().withNewMetadata().withName("cfg").withNamespace(ns)
        .endMetadata().withData(Map.of("greeting", "hello", "other", "x")).build()).create();
    RealNode.client().resource(sleeper(ns, "reader").editSpec()
        .addNewVolume().withName("cfg").withNewConfigMap().withName("cfg").endConfigMap().endVolume()
        .addNewVolume().withName("items").withNewConfigMap().withName("cfg").withDefaultMode(0400)
        .addNewItem().withKey("greeting").withPath("sub/hi.txt").endItem().endConfigMap().endVolume()
        .editFirstContainer()
        .addNewVolumeMount().withName("cfg").withMountPath("/etc/cfg").endVolumeMount()
        .addNewVolumeMount().withName("items").withMountPath("/etc/items").endVolumeMount()
        .endContainer().endSpec().build()).create();
    RealNode.awaitPhase(ns, "reader", "Running", START);
    assertEquals("hello", exec(ns, "reader", "cat", "/etc/cfg/greeting"));
    assertEquals("hello 400", exec(ns, "reader", "sh", "-c", "echo $(cat /etc/items/sub/hi.txt) "
        + "$(stat -L -c %a /etc/items/sub/hi.txt)").trim());
    assertEquals("sub", exec(ns, "reader", "ls", "/etc/items").trim(), "only the listed item");

    RealNode.client().configMaps().inNamespace(ns).withName("cfg").edit(cm -> {
      cm.setData(Map.of("greeting", "bye"));
      return cm;
    });
    Await.until(Duration.ofSeconds(90), "the new value in the running pod", () ->
        exec(ns, "reader", "cat", "/etc/cfg/greeting").equals("bye"));
    // The removed key goes too, and the pod never restarted for it.
    assertEquals("greeting", exec(ns, "reader", "ls", "/etc/cfg").trim());
    assertEquals(0, RealNode.pod(ns, "reader").getStatus().getContainerStatuses().get(0).getRestartCount());
  }

  @Test
  void secretEmptyDirHostPathAndDownwardApi(String ns) throws Exception {
    RealNode.client().resource(new SecretBuilder().withNewMetadata().withName("creds").withNamespace(ns)
        .endMetadata().withStringData(Map.of("password", "s3cret")).build()).create();
    Path host = Files.createTempDirectory(RealNode.stateDir(), "hostpath-");
    Path hostDir = host.resolve("made-by-kubelet");
    RealNode.client().resource(sleeper(ns, "vols").editMetadata().withLabels(Map.of("app", "vols")).endMetadata()
        .editSpec()
        .addNewVolume().withName("creds").withNewSecret().withSecretName("creds").endSecret().endVolume()
        .addNewVolume().withName("scratch").withNewEmptyDir().endEmptyDir().endVolume()
        .addNewVolume().withName("ram").withNewEmptyDir().withMedium("Memory").withSizeLimit(new Quantity("8Mi"))
        .endEmptyDir().endVolume()
        .addNewVolume().withName("host").withNewHostPath().withPath(hostDir.toString())
        .withType("DirectoryOrCreate").endHostPath().endVolume()
        .addNewVolume().withName("info").withNewDownwardAPI()
        .addNewItem().withPath("labels").withNewFieldRef().withFieldPath("metadata.labels").endFieldRef().endItem()
        .addNewItem().withPath("name").withNewFieldRef().withFieldPath("metadata.name").endFieldRef().endItem()
        .endDownwardAPI().endVolume()
        .addNewInitContainer().withName("fill").withImage("busybox")
        .withCommand("sh", "-c", "echo from-init > /scratch/note")
        .addNewVolumeMount().withName("scratch").withMountPath("/scratch").endVolumeMount().endInitContainer()
        .editFirstContainer()
        .addNewVolumeMount().withName("creds").withMountPath("/etc/creds").withReadOnly(true).endVolumeMount()
        .addNewVolumeMount().withName("scratch").withMountPath("/scratch").endVolumeMount()
        .addNewVolumeMount().withName("ram").withMountPath("/ram").endVolumeMount()
        .addNewVolumeMount().withName("host").withMountPath("/host").endVolumeMount()
        .addNewVolumeMount().withName("info").withMountPath("/etc/podinfo").endVolumeMount()
        .endContainer().endSpec().build()).create();
    RealNode.awaitPhase(ns, "vols", "Running", START);

    assertEquals("s3cret", exec(ns, "vols", "cat", "/etc/creds/password"));
    assertEquals("from-init\n", exec(ns, "vols", "cat", "/scratch/note"), "emptyDir shared with the init container");
    assertTrue(exec(ns, "vols", "grep", " /ram ", "/proc/mounts").startsWith("tmpfs "), "medium Memory is tmpfs");
    assertTrue(Files.isDirectory(hostDir), "DirectoryOrCreate made the host folder");
    exec(ns, "vols", "sh", "-c", "echo to-host > /host/out");
    assertEquals("to-host\n", Files.readString(hostDir.resolve("out")));
    assertEquals("app=\"vols\"", exec(ns, "vols", "cat", "/etc/podinfo/labels").trim());
    assertEquals("vols", exec(ns, "vols", "cat", "/etc/podinfo/name"));
    Kubectl.Result readOnly = Kubectl.stock().run("exec", "vols", "-n", ns, "--", "touch", "/etc/creds/x");
    assertTrue(readOnly.exitCode() != 0, "a readOnly mount refuses writes");
  }

  @Test
  void projectedServiceAccountTokenAuthenticatesAsThePodsAccount(String ns) {
    RealNode.client().resource(sleeper(ns, "sa").build()).create();
    RealNode.awaitPhase(ns, "sa", "Running", START);
    String dir = "/var/run/secrets/kubernetes.io/serviceaccount";
    assertEquals(ns, exec(ns, "sa", "cat", dir + "/namespace"));
    assertTrue(exec(ns, "sa", "cat", dir + "/ca.crt").startsWith("-----BEGIN CERTIFICATE-----"));
    String token = exec(ns, "sa", "cat", dir + "/token");
    assertEquals(3, token.split("\\.").length, "a JWT");
    TokenReview review = RealNode.client().resource(new TokenReviewBuilder().withNewSpec().withToken(token)
        .endSpec().build()).create();
    assertTrue(review.getStatus().getAuthenticated(), "the API server accepts the token");
    assertEquals("system:serviceaccount:" + ns + ":default", review.getStatus().getUser().getUsername());
  }
}
