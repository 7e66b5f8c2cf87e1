package io.quarkube.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The proxy's benchmark lives with the proxy: {@code proxy/bench.sh} (it writes bench-results/proxy.json itself).
 * This runs it with the cluster's state folder when it exists and says so when it does not.
 */
final class ProxyBench implements Benchmark {
  @Override
  public String name() {
    return "proxy";
  }

  @Override
  public String description() {
    return "proxy/bench.sh (full and incremental nftables syncs at 1,000/10,000 services), when it exists";
  }

  @Override
  public boolean writesOwnResults(BenchContext ctx) {
    return Files.isRegularFile(ctx.repo().resolve("proxy/bench.sh"));
  }

  @Override
  public List<Row> run(BenchContext ctx) throws Exception {
    Path script = ctx.repo().resolve("proxy/bench.sh");
    if (!Files.isRegularFile(script)) {
      return List.of(Row.info(name(), "not available: proxy/bench.sh does not exist in this checkout", "-", "-"));
    }
    List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
    if (ctx.quick()) {
      cmd.add("--quick");
    }
    // the proxy's test classes are there after any full build (./quarkube test): no second build then
    boolean built = Files.isRegularFile(ctx.repo().resolve(
        "proxy/target/test-classes/io/quarkube/proxy/bench/ProxyBenchmark.class"));
    Map<String, String> env = new java.util.HashMap<>(Map.of("QUARKUBE_STATE_DIR", ctx.state().toString(),
        "QUARKUBE_KUBECONFIG", ctx.state().resolve("admin.kubeconfig").toString(),
        "QUARKUBE_BENCH_QUICK", ctx.quick() ? "1" : "0"));
    if (built) {
      env.put("BENCH_SKIP_BUILD", "1");
    }
    External.Result r = External.run(ctx.repo(), env, 30, cmd);
    if (r.exit() != 0) {
      throw new IllegalStateException("proxy/bench.sh failed (exit " + r.exit() + ")");
    }
    return List.of(Row.info(name(), "ran proxy/bench.sh (its figures: its output above, bench-results/proxy.json)",
        "-", "ok"));
  }
}
