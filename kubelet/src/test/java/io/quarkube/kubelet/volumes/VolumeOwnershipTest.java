package io.quarkube.kubelet.volumes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VolumeOwnershipTest {
  @TempDir
  Path dir;

  /** As root any group can be given (the kubelet's case); otherwise only one of our own. */
  private int group() throws Exception {
    boolean root = "root".equals(System.getProperty("user.name"));
    return root ? 1001 : (Integer) Files.getAttribute(dir, "unix:gid");
  }

  private static int mode(Path p) throws Exception {
    return (Integer) Files.getAttribute(p, "unix:mode") & 07777;
  }

  private static int gid(Path p) throws Exception {
    return (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
  }

  private static Pod pod(Long fsGroup) {
    return new PodBuilder().withNewSpec().withNewSecurityContext().withFsGroup(fsGroup).endSecurityContext()
        .endSpec().build();
  }

  @Test
  void noFsGroupNoOwnership() {
    assertNull(VolumeOwnership.readOnlyFor(pod(null)));
    assertNull(VolumeOwnership.readOnlyFor(new PodBuilder().withNewSpec().endSpec().build()));
  }

  @Test
  void contentVolumeFilesAndDirectoriesGoToTheFsGroup() throws Exception {
    int gid = group();
    VolumeOwnership ownership = VolumeOwnership.readOnlyFor(pod((long) gid));
    assertEquals(0440, ownership.fileMode(0400), "group read is added, as upstream's read-only mask");
    assertEquals(0444, ownership.fileMode(0444));
    Map<String, AtomicWriter.Payload> files = Map.of(
        "data-1", new AtomicWriter.Payload("value-1".getBytes(StandardCharsets.UTF_8), ownership.fileMode(0400)),
        "path/to/data-2",
        new AtomicWriter.Payload("value-2".getBytes(StandardCharsets.UTF_8), ownership.fileMode(0600)));

    assertTrue(AtomicWriter.write(dir, files, ownership::apply));

    Path data1 = dir.resolve("data-1").toRealPath();
    assertEquals(gid, gid(data1));
    assertEquals(0440, mode(data1), "a 0400 file is readable through the group");
    Path data2 = dir.resolve("path/to/data-2").toRealPath();
    assertEquals(gid, gid(data2));
    assertEquals(0640, mode(data2));
    for (Path d : new Path[] {dir, data1.getParent(), data2.getParent(), data2.getParent().getParent()}) {
      assertEquals(gid, gid(d), d + " belongs to the group");
      assertEquals(02000, mode(d) & 02000, d + " is setgid");
      assertEquals(0550, mode(d) & 0550, d + " is searchable and readable by owner and group");
    }
    assertEquals(gid, gid(dir.resolve("..data")), "links change group, not their target's mode");

    assertFalse(AtomicWriter.write(dir, files, ownership::apply), "the same content is not rewritten");
  }

  @Test
  void fsUserIsTheOneUserEveryContainerRunsAs() {
    Pod pod = new PodBuilder().withNewSpec().withNewSecurityContext().withRunAsUser(1000L).endSecurityContext()
        .addNewInitContainer().withName("init").endInitContainer()
        .addNewContainer().withName("a").endContainer()
        .addNewContainer().withName("b").withNewSecurityContext().withRunAsUser(1000L).endSecurityContext()
        .endContainer().endSpec().build();
    assertEquals(1000L, VolumeOwnership.fsUser(pod));
    pod.getSpec().getContainers().get(1).getSecurityContext().setRunAsUser(2000L);
    assertNull(VolumeOwnership.fsUser(pod), "two users: none");
    pod.getSpec().getContainers().get(1).getSecurityContext().setRunAsUser(null);
    pod.getSpec().setSecurityContext(null);
    assertNull(VolumeOwnership.fsUser(pod), "a container without a user: none");
  }

  @Test
  void aPayloadWithAnOwnerIsGivenToIt() throws Exception {
    boolean root = "root".equals(System.getProperty("user.name"));
    int uid = root ? 1000 : (Integer) Files.getAttribute(dir, "unix:uid");
    Map<String, AtomicWriter.Payload> files = Map.of("token",
        new AtomicWriter.Payload("jwt".getBytes(StandardCharsets.UTF_8), 0600, uid));
    assertTrue(AtomicWriter.write(dir, files));
    assertEquals(uid, Files.getAttribute(dir.resolve("token").toRealPath(), "unix:uid"));
    assertEquals(0600, mode(dir.resolve("token").toRealPath()));
    assertFalse(AtomicWriter.write(dir, files), "the same content and owner is not rewritten");
  }
}
