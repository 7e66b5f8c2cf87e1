package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream's Variable Expansion subpath tests (test/e2e/common/node/expansion.go): volumeMounts[].subPathExpr expands
 * the container's environment (a downward API annotation among it); an expansion to an absolute path or to {@code ..}
 * leaves the container in CreateContainerConfigError, as does one whose variable is empty until the annotation
 * appears. Upstream's five pods run in parallel here; the two "[Slow]" ones wait until the container runs (or fails
 * to be made) instead of for upstream's fixed two-minute timeout.
 */
@Conformance("node.subpath-expr")
@ExtendWith(TestNamespace.class)
class SubPathExprTest {
  private static final Duration START = Duration.ofSeconds(120);

  private static EnvVar value(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  private static EnvVar annotation() {
    return new EnvVarBuilder().withName("ANNOTATION").withNewValueFrom().withNewFieldRef("v1",
        "metadata.annotations['mysubpath']").endValueFrom().build();
  }

  private static VolumeMount mount(String path, String subPathExpr) {
    return new VolumeMountBuilder().withName("workdir1").withMountPath(path).withSubPathExpr(subPathExpr).build();
  }

  /** Upstream's newPod: one busybox container, restartPolicy Never, an emptyDir "workdir1". */
  private static Pod pod(String ns, String name, Map<String, String> annotations, List<EnvVar> env,
      List<VolumeMount> mounts, String... command) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).withAnnotations(annotations)
        .addToLabels("name", name).endMetadata()
        .withNewSpec().withNodeName(RealNode.name()).withRestartPolicy("Never").withTerminationGracePeriodSeconds(1L)
        .addNewVolume().withName("workdir1").withNewEmptyDir().endEmptyDir().endVolume()
        .addNewContainer().withName("dapi-container").withImage("busybox").withCommand(command).withEnv(env)
        .withVolumeMounts(mounts).endContainer().endSpec().build();
  }

  /** Upstream's WaitForPodContainerToFail(..., 0, "CreateContainerConfigError", ...). */
  private static void awaitConfigError(String ns, String name) {
    Await.until(START, name + " in CreateContainerConfigError", () -> {
      Pod p = RealNode.pod(ns, name);
      var statuses = p.getStatus().getContainerStatuses();
      if (statuses == null || statuses.isEmpty()) {
        return false;
      }
      var state = statuses.get(0).getState();
      if (state.getRunning() != null || state.getTerminated() != null) {
        throw new AssertionError(name + " started: " + state);
      }
      return state.getWaiting() != null && "CreateContainerConfigError".equals(state.getWaiting().getReason());
    });
  }


  /** Sets the mysubpath annotation by a merge patch (no resourceVersion: the kubelet writes the pod's status too). */
  private static void annotate(String ns, String pod, String value) {
    RealNode.client().pods().inNamespace(ns).withName(pod).patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"metadata\":{\"annotations\":{\"mysubpath\":\"" + value + "\"}}}");
  }

  private static void exec(String ns, String pod, String script) {
    Kubectl.stock().run("exec", pod, "-n", ns, "--", "sh", "-c", script).ok();
  }

  @Test
  void subPathExprExpandsTheContainersEnvironment(String ns) {
    var client = RealNode.client();
    String substituting = "var-expansion-subst";
    List<VolumeMount> annotated = List.of(mount("/subpath_mount", "$(ANNOTATION)/$(POD_NAME)"),
        new VolumeMountBuilder().withName("workdir1").withMountPath("/volume_mount").build());
    List<EnvVar> annotationEnv = List.of(value("POD_NAME", "foo"), annotation());
    List<Pod> pods = List.of(
        // "should allow substituting values in a volume subpath"
        pod(ns, substituting, Map.of(), List.of(value("POD_NAME", substituting)),
            List.of(mount("/logscontainer", "$(POD_NAME)"),
                new VolumeMountBuilder().withName("workdir1").withMountPath("/testcontainer").build()),
            "sh", "-c", "test -d /testcontainer/" + substituting + ";echo $?"),
        // "should fail substituting values in a volume subpath with backticks" (upstream's value is "..")
        pod(ns, "var-expansion-backsteps", Map.of(), List.of(value("POD_NAME", "..")),
            List.of(mount("/logscontainer", "$(POD_NAME)"))),
        // "... with absolute path"
        pod(ns, "var-expansion-absolute", Map.of(), List.of(value("POD_NAME", "/tmp")),
            List.of(mount("/logscontainer", "$(POD_NAME)"))),
        // "should verify that a failing subpath expansion can be modified during the lifecycle of a container"
        pod(ns, "var-expansion-lifecycle", Map.of("notmysubpath", "mypath"), annotationEnv, annotated,
            "sh", "-c", "tail -f /dev/null"),
        // "should succeed in writing subpaths in container"
        pod(ns, "var-expansion-writes", Map.of("mysubpath", "mypath"), annotationEnv, annotated,
            "sh", "-c", "tail -f /dev/null"));
    pods.forEach(p -> client.resource(p).create());

    RealNode.awaitSucceeded(ns, substituting, START);
    assertEquals("0\n", RealNode.log(ns, substituting, "dapi-container"));

    awaitConfigError(ns, "var-expansion-backsteps");
    awaitConfigError(ns, "var-expansion-absolute");

    // The annotation is missing, so $(ANNOTATION) is empty: the container cannot be made until it is added.
    awaitConfigError(ns, "var-expansion-lifecycle");
    annotate(ns, "var-expansion-lifecycle", "mypath");
    RealNode.awaitPhase(ns, "var-expansion-lifecycle", "Running", START);

    RealNode.awaitPhase(ns, "var-expansion-writes", "Running", START);
    exec(ns, "var-expansion-writes", "touch /volume_mount/mypath/foo/test.log");
    exec(ns, "var-expansion-writes", "test -f /subpath_mount/test.log");
    // A new value is not the running container's business: it keeps its mount and keeps running.
    annotate(ns, "var-expansion-writes", "mynewpath");
    RealNode.awaitPhase(ns, "var-expansion-writes", "Running", START);

    // Upstream deletes the pods with a wait: a failed expansion must not keep the volumes from being cleaned up.
    pods.forEach(p -> client.pods().inNamespace(ns).withName(p.getMetadata().getName()).delete());
    for (Pod p : pods) {
      client.pods().inNamespace(ns).withName(p.getMetadata().getName()).waitUntilCondition(gone -> gone == null,
          120, TimeUnit.SECONDS);
    }
  }
}
