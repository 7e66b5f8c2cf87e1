package io.quarkube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8s.cri.runtime.v1.Int64Value;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.k8s.cri.runtime.v1.Image;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NonRootPolicyTest {
  private static final Optional<Image> ROOT_IMAGE = Optional.of(Image.newBuilder().setId("sha256:a").build());
  private static final Optional<Image> UID_1000 =
      Optional.of(Image.newBuilder().setId("sha256:b").setUid(Int64Value.newBuilder().setValue(1000)).build());
  private static final Optional<Image> NAMED_USER =
      Optional.of(Image.newBuilder().setId("sha256:c").setUsername("nobody").build());

  private static Pod pod(Boolean podNonRoot, Boolean containerNonRoot, Long runAsUser) {
    return new PodBuilder().withNewMetadata().withName("p").withNamespace("ns").withUid("u1").endMetadata()
        .withNewSpec().withNewSecurityContext().withRunAsNonRoot(podNonRoot).endSecurityContext()
        .addNewContainer().withName("c").withImage("busybox").withNewSecurityContext()
        .withRunAsNonRoot(containerNonRoot).withRunAsUser(runAsUser).endSecurityContext().endContainer()
        .endSpec().build();
  }

  private static Optional<String> check(Pod pod, Optional<Image> image) {
    return NonRootPolicy.violation(pod, pod.getSpec().getContainers().get(0), image);
  }

  @Test
  void withoutRunAsNonRootAnythingGoes() {
    assertTrue(check(pod(null, null, 0L), ROOT_IMAGE).isEmpty());
    assertTrue(check(pod(true, false, null), ROOT_IMAGE).isEmpty(), "the container's false wins over the pod's");
  }

  @Test
  void anImageWithoutAUserRunsAsRootAndIsRefused() {
    assertEquals("container has runAsNonRoot and image will run as root (pod: \"p_ns(u1)\", container: c)",
        check(pod(true, null, null), ROOT_IMAGE).orElseThrow());
    assertTrue(check(pod(null, true, null), UID_1000).isEmpty());
  }

  @Test
  void runAsUserDecidesBeforeTheImage() {
    assertTrue(check(pod(true, null, 1000L), ROOT_IMAGE).isEmpty());
    assertTrue(check(pod(true, null, 0L), UID_1000).orElseThrow().startsWith("container's runAsUser breaks"));
  }

  @Test
  void aNamedUserCannotBeVerified() {
    assertTrue(check(pod(true, null, null), NAMED_USER).orElseThrow()
        .contains("image has non-numeric user (nobody), cannot verify user is non-root"));
  }
}
