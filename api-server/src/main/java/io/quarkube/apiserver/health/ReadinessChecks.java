package io.quarkube.apiserver.health;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Upstream's {@code /livez}, {@code /readyz} and {@code /healthz} checks (k8s.io/apiserver's healthz package): each
 * has a name and says why it fails (null when it passes). A failing endpoint lists every check ({@code [+]name ok} /
 * {@code [-]name failed: reason withheld}: the endpoints are public, the reasons go to the log) and answers 500; a
 * passing one answers {@code ok}, or the list with {@code ?verbose}. {@code ?exclude=name} skips a check, and
 * {@code /readyz/<name>} runs one.
 */
final class ReadinessChecks {
  private static final Logger LOG = Logger.getLogger(ReadinessChecks.class);

  /** One named check; {@code failure} returns why it fails, or null. */
  record Check(String name, Supplier<String> failure) {}

  /** The status code and the text/plain body of one probe. */
  record Result(int code, String body) {}

  private final List<Check> checks;

  ReadinessChecks(List<Check> checks) {
    this.checks = List.copyOf(checks);
  }

  Result run(String endpoint, boolean verbose) {
    return run(endpoint, verbose, List.of());
  }

  /** The endpoint's probe, without the checks named in {@code exclude} (upstream's {@code ?exclude=}). */
  Result run(String endpoint, boolean verbose, List<String> exclude) {
    Set<String> excluded = new LinkedHashSet<>(exclude);
    StringBuilder out = new StringBuilder();
    List<String> failures = new ArrayList<>();
    for (Check c : checks) {
      if (excluded.remove(c.name())) {
        out.append("[+]").append(c.name()).append(" excluded: ok\n");
        continue;
      }
      String why = failure(c);
      if (why == null) {
        out.append("[+]").append(c.name()).append(" ok\n");
      } else {
        out.append("[-]").append(c.name()).append(" failed: reason withheld\n");
        failures.add("[-]" + c.name() + " failed: " + why);
      }
    }
    if (!excluded.isEmpty()) {
      out.append("warn: some health checks cannot be excluded: no matches for ")
          .append(excluded.stream().sorted().map(n -> "\"" + n + "\"").collect(Collectors.joining(","))).append('\n');
    }
    if (!failures.isEmpty()) {
      LOG.infof("%s check failed:%n%s", endpoint, String.join("\n", failures));
      return new Result(500, out + endpoint + " check failed\n");
    }
    return new Result(200, verbose ? out + endpoint + " check passed\n" : "ok");
  }

  /** {@code /<endpoint>/<name>}: "ok", or 500 with the reason; null when there is no check of that name. */
  Result single(String name) {
    for (Check c : checks) {
      if (c.name().equals(name)) {
        String why = failure(c);
        return why == null ? new Result(200, "ok") : new Result(500, "internal server error: " + why + "\n");
      }
    }
    return null;
  }

  private static String failure(Check c) {
    try {
      return c.failure().get();
    } catch (RuntimeException e) {
      return e.getMessage() == null ? e.toString() : e.getMessage();
    }
  }
}
