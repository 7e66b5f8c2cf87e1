package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.Arrays;
import java.util.List;

/**
 * A busybox stand-in for upstream's {@code agnhost mounttest --file_content=... --file_mode=...}: a container that
 * prints {@code content of file "<path>": <content>} and {@code mode of file "<path>": <ls -l mode>} for each path
 * (links followed, as Go's os.Stat) and exits, so a test asserts on the same lines as upstream's.
 */
final class MountTest {
  private MountTest() {}

  /** A container printing content and mode of {@code paths}, with each volume mounted at {@code /etc/<volume>}. */
  static ContainerBuilder container(String name, List<String> volumes, String... paths) {
    StringBuilder script = new StringBuilder("show() { echo \"content of file \\\"$1\\\": $(cat $1)\"; "
        + "echo \"mode of file \\\"$1\\\": $(stat -L -c %A $1)\"; }");
    for (String p : paths) {
      script.append("; show ").append(p);
    }
    VolumeMount[] mounts = volumes.stream().map(v -> new VolumeMountBuilder().withName(v).withMountPath("/etc/" + v)
        .withReadOnly(true).build()).toArray(VolumeMount[]::new);
    return new ContainerBuilder().withName(name).withImage("busybox").withCommand("sh", "-c", script.toString())
        .withVolumeMounts(mounts);
  }

  static String content(String path, String value) {
    return "content of file \"" + path + "\": " + value;
  }

  static String mode(String path, String mode) {
    return "mode of file \"" + path + "\": " + mode;
  }

  /** Asserts every expected line is a line of the log. */
  static void assertLines(String log, String... expected) {
    List<String> lines = Arrays.stream(log.split("\n")).map(String::strip).toList();
    for (String e : expected) {
      assertTrue(lines.contains(e), "expected \"" + e + "\" in the output:\n" + log);
    }
  }

  static Container asUser(ContainerBuilder c, long uid) {
    return c.withNewSecurityContext().withRunAsUser(uid).endSecurityContext().build();
  }
}
