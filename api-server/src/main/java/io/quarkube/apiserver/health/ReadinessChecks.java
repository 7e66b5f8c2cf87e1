package io.quarkube.apiserver.health;

import java.util.List;
import java.util.function.Supplier;

/**
 * Upstream's {@code /readyz} and {@code /healthz} checks: each has a name and says why it fails (null when it
 * passes). A failing endpoint lists every check ({@code [+]name ok} / {@code [-]name failed: why}) and answers
 * 500; a passing one answers {@code ok}, or the list with {@code ?verbose}.
 */
final class ReadinessChecks {
  /** One named check; {@code failure} returns why it fails, or null. */
  record Check(String name, Supplier<String> failure) {}

  /** The status code and the text/plain body of one probe. */
  record Result(int code, String body) {}

  private final List<Check> checks;

  ReadinessChecks(List<Check> checks) {
    this.checks = List.copyOf(checks);
  }

  Result run(String endpoint, boolean verbose) {
    StringBuilder out = new StringBuilder();
    boolean failed = false;
    for (Check c : checks) {
      String why;
      try {
        why = c.failure().get();
      } catch (RuntimeException e) {
        why = e.getMessage() == null ? e.toString() : e.getMessage();
      }
      if (why == null) {
        out.append("[+]").append(c.name()).append(" ok\n");
      } else {
        failed = true;
        out.append("[-]").append(c.name()).append(" failed: ").append(why).append('\n');
      }
    }
    if (failed) {
      return new Result(500, out + endpoint + " check failed\n");
    }
    return new Result(200, verbose ? out + endpoint + " check passed\n" : "ok");
  }
}
