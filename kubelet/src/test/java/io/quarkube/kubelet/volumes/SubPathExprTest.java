package io.quarkube.kubelet.volumes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.quarkube.kubelet.volumes.VolumeManager.VolumeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubPathExprTest {
  private static VolumeMount expr(String expr) {
    return new VolumeMountBuilder().withName("v").withMountPath("/m").withSubPathExpr(expr).build();
  }

  @Test
  void expandsTheContainersEnvironment() throws Exception {
    assertEquals("mypath/foo", SubPathExpr.subPath(expr("$(ANNOTATION)/$(POD_NAME)"),
        Map.of("ANNOTATION", "mypath", "POD_NAME", "foo")));
    assertEquals("$(X)", SubPathExpr.subPath(expr("$$(X)"), Map.of()));
  }

  @Test
  void undefinedOrEmptyVariablesFailTheContainer() {
    VolumeException e = assertThrows(VolumeException.class,
        () -> SubPathExpr.subPath(expr("$(B)/$(POD_NAME)/$(A)"), Map.of("POD_NAME", "foo", "A", "")));
    assertEquals("missing value for A, B", e.getMessage());
  }

  @Test
  void expansionToAnAbsolutePathOrBackstepIsRefused() {
    VolumeException absolute = assertThrows(VolumeException.class,
        () -> SubPathExpr.subPath(expr("$(POD_NAME)"), Map.of("POD_NAME", "/tmp")));
    assertEquals("error SubPath `/tmp` must not be an absolute path", absolute.getMessage());
    VolumeException up = assertThrows(VolumeException.class,
        () -> SubPathExpr.subPath(expr("a/$(POD_NAME)"), Map.of("POD_NAME", "..")));
    assertEquals("unable to provision SubPath `a/..`: must not contain '..'", up.getMessage());
  }

  @Test
  void plainSubPathIsKeptAndNoSubPathMeansTheVolume() throws Exception {
    VolumeMount plain = new VolumeMountBuilder().withName("v").withMountPath("/m").withSubPath("x/y").build();
    assertEquals("x/y", SubPathExpr.subPath(plain, Map.of()));
    assertEquals("", SubPathExpr.subPath(new VolumeMountBuilder().withName("v").withMountPath("/m").build(),
        Map.of()));
  }

  @Test
  void mountsBindTheExpandedFolderMadeInsideTheVolume(@TempDir Path volume) throws Exception {
    var container = new ContainerBuilder().withName("c").withVolumeMounts(expr("logs/$(POD_NAME)")).build();
    var mounts = VolumeManager.mounts(container, Map.of("v", volume), Map.of("POD_NAME", "pod-1"));
    Path expected = volume.toRealPath().resolve("logs/pod-1");
    assertEquals(expected.toString(), mounts.get(0).getHostPath());
    assertEquals(true, Files.isDirectory(expected));
  }
}
