package io.quarkube.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Watch fan-out: 1,000 (quick: 100) concurrent watches on a namespace's pods, one pod update per round, time until
 * each watcher has it; and the API server's resident memory with them open. Floor: the same number of streams on the
 * loopback echo server, one line of the same bytes as the watch event pushed to all, read by the same client, its
 * rounds alternating with the API server's.
 */
final class WatchBench implements Benchmark {
  static final String NS = "quarkube-bench-watch";
  /**
   * Rounds not counted: the first proves every watch is established; in a benchmark JVM that just started, the
   * first three took 2-10 times as long as the later ones, on the API server and the echo server alike (JIT).
   */
  static final int WARM_UP_ROUNDS = 3;

  @Override
  public String name() {
    return "watch";
  }

  @Override
  public String description() {
    return "1,000 watchers on pods (quick: 100), one update, time until all have it; API server RSS with them open";
  }

  @Override
  public List<Row> run(BenchContext ctx) throws Exception {
    int watchers = ctx.pick(1_000, 100);
    int rounds = ctx.pick(10, 5);
    List<Row> rows = new ArrayList<>();
    OptionalLong apiPid = ctx.pid("api-server");
    try (Api api = ctx.api(); EchoServer echo = new EchoServer(ctx.state().resolve("pki"))) {
      Namespaces.fresh(api, NS);
      String rv = Api.JSON.readTree(api.post("/api/v1/namespaces/" + NS + "/pods", PodJson.pod(NS, "watched")).body())
          .path("metadata").path("resourceVersion").asText();
      long rssBefore = apiPid.isPresent() ? Procs.rssBytes(apiPid.getAsLong()) : -1;
      Latencies all = new Latencies();
      Latencies floor = new Latencies();
      long tOpen = System.nanoTime();
      try (FanOut fan = new FanOut(ctx, watchers); FanOut echoFan = new FanOut(ctx, watchers)) {
        fan.open(api.uri("/api/v1/namespaces/" + NS + "/pods?watch=true&resourceVersion=" + rv), watchers);
        double openSecs = (System.nanoTime() - tOpen) / 1e9;
        echoFan.open(java.net.URI.create("https://127.0.0.1:" + echo.port() + "/stream"), watchers);
        String patchPath = "/api/v1/namespaces/" + NS + "/pods/watched";
        for (int k = 1; k <= WARM_UP_ROUNDS + rounds; k++) {
          fan.startRound(k, watchers);
          byte[] patched = api.patch(patchPath, "application/merge-patch+json",
              ("{\"metadata\":{\"annotations\":{\"bench.quarkube.io/round\":\"" + k + "\"}}}")
                  .getBytes(StandardCharsets.UTF_8)).body();
          Latencies l = fan.awaitRound(60);
          Latencies e = echoRound(echo, echoFan, k, watchers, patched);
          if (k > WARM_UP_ROUNDS) {
            all.addAll(l);
            floor.addAll(e);
          }
        }
        long rssWith = apiPid.isPresent() ? Procs.rssBytes(apiPid.getAsLong()) : -1;
        rows.add(new Row(name(), watchers + " watchers get one pod update", rounds + " updates × " + watchers,
            "all in " + Report.fmt(all.maxMs()) + " ms", "echo fan-out p99 " + Report.fmt(floor.p99()) + " ms",
            floor.p99() / all.p99(), "p99 ≤ 100 ms", all.p99() <= 100, all.p50(), all.p99()));
        rows.add(Row.info(name(), "open the watches (batches of 50)", watchers + " watches",
            String.format("%.1f s", openSecs)));
        if (rssWith > 0) {
          rows.add(Row.info(name(), "API server RSS with the watches open", watchers + " watches",
              Procs.mib(rssWith) + String.format(" (%+.0f MiB vs before, %.0f KiB per watch)",
                  (rssWith - rssBefore) / 1048576.0, (rssWith - rssBefore) / 1024.0 / watchers)));
        }
      }
      Namespaces.delete(api, NS);
    }
    return rows;
  }

  /**
   * One round of the floor, right after the API server's round of the same number, so that both are measured under
   * the same load of this shared machine and the same state of the client's JIT: one line pushed to all echo streams.
   * The line is the watch event of that round (the pod as the PATCH answered it), so the client reads, decrypts and
   * splits the same number of bytes as from the API server: its cost grows with them.
   */
  private static Latencies echoRound(EchoServer echo, FanOut echoFan, int k, int streams, byte[] pod)
      throws InterruptedException {
    echoFan.startRound(k, streams);
    // JSON has no raw newlines inside strings: dropping any makes it one line, as the watch event is.
    echo.push("{\"type\":\"MODIFIED\",\"object\":" + new String(pod, StandardCharsets.UTF_8).replace("\n", "") + "}");
    return echoFan.awaitRound(60);
  }
}
