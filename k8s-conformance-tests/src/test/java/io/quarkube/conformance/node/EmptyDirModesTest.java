package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream's EmptyDir mode matrix (empty_dir.go: root and non-root, files made 0644, 0666 and 0777, on the node's disk
 * and on tmpfs) in one pod: one container per user, both volumes in each. Where upstream's agnhost mounttest creates a
 * file with a mode and prints its permissions, content and the volume's mount type, busybox does the same with
 * {@code umask 0}, {@code chmod}, {@code stat} and {@code /proc/mounts}.
 */
@ExtendWith(TestNamespace.class)
class EmptyDirModesTest {
  private static final Duration RUN = Duration.ofSeconds(120);
  private static final long NON_ROOT = 1001; // upstream's nonRootUID
  private static final List<String> MODES = List.of("0644", "0666", "0777");
  private static final String SCRIPT = """
      umask 0
      for v in /test-volume /test-tmpfs; do
        echo "mount type of \\"$v\\": $(awk -v m=$v '$2 == m {print $3}' /proc/mounts)"
        echo "perms of \\"$v\\": $(stat -c %A $v)"
        for m in 0644 0666 0777; do
          f=$v/$WHO-$m
          echo "mount-tester new file" > $f && chmod $m $f
          echo "perms of file \\"$f\\": $(stat -c %A $f)"
          echo "owner of file \\"$f\\": $(stat -c %u $f)"
          echo "content of file \\"$f\\": $(cat $f)"
        done
      done
      """;

  private static ContainerBuilder writer(String who) {
    return new ContainerBuilder().withName(who).withImage("busybox").withCommand("sh", "-c", SCRIPT)
        .addNewEnv().withName("WHO").withValue(who).endEnv()
        .addNewVolumeMount().withName("test-volume").withMountPath("/test-volume").endVolumeMount()
        .addNewVolumeMount().withName("test-tmpfs").withMountPath("/test-tmpfs").endVolumeMount();
  }

  @Conformance("storage.emptydir-modes")
  @Test
  void filesKeepTheirModesOnDiskAndTmpfsForRootAndNonRoot(String ns) {
    RealNode.client().resource(new PodBuilder().withNewMetadata().withName("emptydir-modes").withNamespace(ns)
        .endMetadata().withNewSpec().withNodeName(RealNode.name()).withRestartPolicy("Never")
        .withTerminationGracePeriodSeconds(1L)
        .addNewVolume().withName("test-volume").withNewEmptyDir().endEmptyDir().endVolume()
        .addNewVolume().withName("test-tmpfs").withNewEmptyDir().withMedium("Memory").endEmptyDir().endVolume()
        .addToContainers(writer("root").build())
        .addToContainers(writer("non-root").withNewSecurityContext().withRunAsUser(NON_ROOT).endSecurityContext()
            .build())
        .endSpec().build()).create();
    RealNode.awaitSucceeded(ns, "emptydir-modes", RUN);

    for (String who : List.of("root", "non-root")) {
      List<String> out = Arrays.asList(RealNode.log(ns, "emptydir-modes", who).split("\n"));
      String owner = who.equals("root") ? "0" : Long.toString(NON_ROOT);
      for (String volume : List.of("/test-volume", "/test-tmpfs")) {
        // "volume on default medium/tmpfs should have the correct mode": the volume itself is rwx for everyone
        assertTrue(out.contains("perms of \"" + volume + "\": drwxrwxrwx"), who + " sees " + volume + ": " + out);
        for (String mode : MODES) {
          String file = volume + "/" + who + "-" + mode;
          assertTrue(out.contains("perms of file \"" + file + "\": " + symbolic(mode)), file + ": " + out);
          assertTrue(out.contains("owner of file \"" + file + "\": " + owner), file + ": " + out);
          assertTrue(out.contains("content of file \"" + file + "\": mount-tester new file"), file + ": " + out);
        }
      }
      assertTrue(out.contains("mount type of \"/test-tmpfs\": tmpfs"), "medium Memory is tmpfs: " + out);
    }
  }

  /** 0644 -> -rw-r--r-- as {@code stat -c %A} prints it. */
  private static String symbolic(String octal) {
    StringBuilder sb = new StringBuilder("-");
    for (char digit : octal.substring(1).toCharArray()) {
      int d = digit - '0';
      sb.append((d & 4) != 0 ? 'r' : '-').append((d & 2) != 0 ? 'w' : '-').append((d & 1) != 0 ? 'x' : '-');
    }
    assertEquals(10, sb.length());
    return sb.toString();
  }
}
