package io.quarkube.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs another program (a module's own benchmark, a script, the launcher), echoing and keeping its output. In env,
 * a null value removes the variable.
 */
final class External {
  private External() {}

  record Result(int exit, List<String> lines) {}

  static Result run(Path dir, Map<String, String> env, long timeoutMinutes, List<String> command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    // A null value removes the variable (the caller's cluster settings must not leak into another cluster).
    env.forEach((k, v) -> {
      if (v == null) {
        pb.environment().remove(k);
      } else {
        pb.environment().put(k, v);
      }
    });
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process p = pb.start();
    List<String> lines = new ArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          synchronized (lines) {
            lines.add(line);
          }
          System.out.println("    | " + line);
        }
      } catch (Exception e) {
        // process gone
      }
    });
    reader.start();
    if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
      p.waitFor(30, TimeUnit.SECONDS);
      throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeoutMinutes + " min");
    }
    reader.join(10_000);
    synchronized (lines) {
      return new Result(p.exitValue(), List.copyOf(lines));
    }
  }
}
