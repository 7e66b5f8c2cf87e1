package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An attach ends when the container exits, whatever terminal the client asked for: {@code kubectl run -it} with a
 * stdin that is no terminal asks for tty=false while the container has one.
 */
@ExtendWith(TestNamespace.class)
class AttachEndTest {

  @Test
  void runItWithoutATerminalEndsWithTheContainer(String ns) throws Exception {
    // stdin stays open (a pipe nobody writes to), as in `(sleep 20) | kubectl run -it ...`
    Process run = Kubectl.stock().start("run", "t", "-n", ns, "-i", "-t", "--rm", "--restart=Never",
        "--image=busybox", "--", "sh", "-c", "sleep 4; echo hi");
    try {
      boolean ended = run.waitFor(60, TimeUnit.SECONDS);
      String out = ended ? new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8) : "";
      assertTrue(ended, "kubectl run -it still attached 60 s after the container ended");
      assertTrue(out.contains("hi"), out);
    } finally {
      run.destroyForcibly();
      run.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
