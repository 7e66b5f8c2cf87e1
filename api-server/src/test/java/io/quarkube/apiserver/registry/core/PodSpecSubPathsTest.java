package io.quarkube.apiserver.registry.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.quarkube.apiserver.errors.FieldError;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Upstream's subPath and subPathExpr rules of validateVolumeMounts. */
class PodSpecSubPathsTest {
  private static List<String> errors(VolumeMount... mounts) {
    PodSpec spec = new PodSpecBuilder().addNewContainer().withName("c").withImage("busybox")
        .withVolumeMounts(mounts).endContainer().addNewVolume().withName("v").withNewEmptyDir().endEmptyDir()
        .endVolume().build();
    List<FieldError> errors = new ArrayList<>();
    PodSpecValidator.validate(spec, "spec", errors);
    return errors.stream().map(e -> e.field() + ": " + e.causeMessage()).toList();
  }

  private static VolumeMount mount(String subPath, String subPathExpr) {
    return new VolumeMountBuilder().withName("v").withMountPath("/m").withSubPath(subPath)
        .withSubPathExpr(subPathExpr).build();
  }

  @Test
  void relativeDescendingPathsAndUnexpandedExpressionsPass() {
    assertEquals(List.of(), errors(mount("a/b", null), mount(null, "$(POD_NAME)"), mount("..a/b..", null)));
  }

  @Test
  void absolutePathsAndBackstepsAreRefused() {
    assertEquals(List.of(
        "spec.containers[0].volumeMounts.subPath: Invalid value: \"/tmp\": must be a relative path",
        "spec.containers[0].volumeMounts.subPath: Invalid value: \"a/../..\": must not contain '..'",
        "spec.containers[0].volumeMounts.subPathExpr: Invalid value: \"/$(X)\": must be a relative path"),
        errors(mount("/tmp", null), mount("a/../..", null), mount(null, "/$(X)")));
  }

  @Test
  void subPathAndSubPathExprAreMutuallyExclusive() {
    assertEquals(List.of("spec.containers[0].volumeMounts[1].subPathExpr: Invalid value: \"$(X)\": "
        + "subPathExpr and subPath are mutually exclusive"), errors(mount(null, null), mount("x", "$(X)")));
  }
}
