package io.quarkube.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The scheduler module's own benchmark (scheduler/BENCHMARKS.md, SchedulingBasicBench: simulated nodes, pending pods,
 * then a scheduler of the same build and JVM flags started with a profile of its own, {@code quarkube-bench-scheduler},
 * which the cluster's scheduler leaves alone), run as it is through Maven; this only passes the cluster and the sizes
 * and reads its "pods/s" line. (Measured with the cluster's running scheduler, the figure was the pace of the
 * benchmark's creates: 43-66 pods/s.) The real node is cordoned meanwhile so no benchmark pod lands on it (its image is not in
 * the local registry, and nothing may be pulled from outside).
 */
final class SchedulerBench implements Benchmark {
  static final Pattern RATE = Pattern.compile("scheduled (\\d+)/(\\d+) pods in ([0-9.]+) s: ([0-9.]+) pods/s");
  /** The scheduler benchmark's raw etcd puts right before and right after its run (with {@code -Dbench.etcd}). */
  static final Pattern PUTS = Pattern.compile("baseline(?: after)?: raw etcd puts.* ([0-9.]+)/s");

  @Override
  public String name() {
    return "scheduler";
  }

  @Override
  public String description() {
    return "scheduler/SchedulingBasicBench: pods/s at 500 nodes/1,000 pods (quick: 50/100; 5,000/10,000 with"
        + " QUARKUBE_BENCH_SCHEDULER_LARGE=1)";
  }

  @Override
  public List<Row> run(BenchContext ctx) throws Exception {
    // 5,000 nodes / 10,000 pods takes the better part of an hour on 2 CPUs (every object goes through the API
    // server): only when asked for.
    boolean large = "1".equals(System.getenv("QUARKUBE_BENCH_SCHEDULER_LARGE"));
    List<int[]> sizes = ctx.quick() ? List.of(new int[] {50, 100})
        : large ? List.of(new int[] {500, 1_000}, new int[] {5_000, 10_000}) : List.of(new int[] {500, 1_000});
    List<Row> rows = new ArrayList<>();
    try (Api api = ctx.api()) {
      String node = cordon(api);
      try {
        for (int[] size : sizes) {
          rows.add(runOnce(ctx, size[0], size[1]));
        }
      } finally {
        if (node != null) {
          api.patch("/api/v1/nodes/" + node, "application/merge-patch+json",
              "{\"spec\":{\"unschedulable\":null}}".getBytes(StandardCharsets.UTF_8));
        }
      }
    }
    return rows;
  }

  private Row runOnce(BenchContext ctx, int nodes, int pods) throws Exception {
    List<String> cmd = List.of("mvn", "-B", "-q", "-o", "--no-transfer-progress", "-pl", "scheduler", "test",
        "-Dtest=SchedulingBasicBench", "-Dsurefire.failIfNoSpecifiedTests=false",
        "-Dbench.kubeconfig=" + ctx.state().resolve("admin.kubeconfig"), "-Dbench.state-dir=" + ctx.state(),
        "-Dbench.nodes=" + nodes, "-Dbench.pods=" + pods, "-Dbench.etcd=" + ctx.limitEtcdEndpoint(),
        // Fabric8's own 10 s request timeout fails creates on a busy 2-CPU machine: slowness is a figure here.
        "-Dkubernetes.request.timeout=120000");
    External.Result r = External.run(ctx.repo(), Map.of(), 30, cmd);
    if (r.exit() != 0) {
      throw new IllegalStateException("the scheduler's benchmark failed (exit " + r.exit() + "): "
          + String.join(" ", cmd));
    }
    String size = nodes + " nodes / " + pods + " pods";
    double rate = Double.NaN;
    List<Double> puts = new ArrayList<>();
    for (String line : r.lines()) {
      Matcher m = RATE.matcher(line);
      if (m.find()) {
        rate = Double.parseDouble(m.group(4));
      }
      Matcher p = PUTS.matcher(line);
      if (p.find()) {
        puts.add(Double.parseDouble(p.group(1)));
      }
    }
    if (Double.isNaN(rate)) {
      return Row.info(name(), "SchedulingBasic: no \"pods/s\" line in its output", size, "?");
    }
    // Every scheduled pod is at least two etcd writes (its binding and its Scheduled event): half the raw put rate
    // of the same minutes is a ceiling no API server could pass on this machine.
    double ceiling = ceiling(puts);
    String limit = Double.isNaN(ceiling) ? "-"
        : String.format("%.0f pods/s (raw etcd puts %.0f/s before and after ÷ 2 writes per pod)", ceiling, 2 * ceiling);
    return new Row(name(), "SchedulingBasic: pending pods, then a scheduler", size, String.format("%.0f pods/s", rate),
        limit, rate / ceiling, "≥ 1,000 pods/s (upstream 270)", rate >= 1000, Double.NaN, Double.NaN);
  }

  /** Half the mean of the raw put rates (two etcd writes per scheduled pod); NaN without any. */
  static double ceiling(List<Double> puts) {
    return puts.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN) / 2;
  }

  /** Marks the real node unschedulable unless it already is; returns its name when this did it. */
  static String cordon(Api api) throws Exception {
    String node;
    try {
      node = PodStartupBench.realNode(api);
    } catch (Exception notThere) {
      return null; // no real node (or not Ready): nothing to keep pods away from
    }
    JsonNode spec = api.getJson("/api/v1/nodes/" + node).path("spec");
    if (spec.path("unschedulable").asBoolean(false)) {
      return null;
    }
    api.patch("/api/v1/nodes/" + node, "application/merge-patch+json",
        "{\"spec\":{\"unschedulable\":true}}".getBytes(StandardCharsets.UTF_8));
    return node;
  }
}
