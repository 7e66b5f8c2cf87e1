package io.quarkube.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.options.DeleteOption;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Write path: pod creates (~2 KiB JSON) over HTTPS at 1, 16 and 64 clients against raw etcd puts of the same bytes
 * through jetcd at the same concurrency ({@link BenchContext#limitEtcd()}: an empty etcd like the cluster's, so the
 * puts' history does not slow the creates measured after them); then p99 at a fixed 200 creates/s against etcd puts
 * at the same rate.
 */
final class WriteBench implements Benchmark {
  /** Shared with the read benchmark, which lists the pods made here when it runs next. */
  static final String NS = "quarkube-bench-api";
  static final int[] CLIENTS = {1, 16, 64};
  static final double FIXED_RATE = 200;
  /** Connections of the creates' client: the most clients of a step, and the fixed-rate step's workers. */
  private static final int MAX_CLIENTS = 64;

  @Override
  public String name() {
    return "write";
  }

  /** Seconds of creates at 16 clients before anything is measured (full runs; quick ones warm up for 1 s). */
  static final int WARM_UP_SECONDS = 60;

  @Override
  public String description() {
    return "pod creates over HTTPS at 1/16/64 clients vs raw etcd puts of the same bytes; p99 at 200 creates/s";
  }

  @Override
  public List<Row> run(BenchContext ctx) throws Exception {
    double secs = ctx.quick() ? 3 : 10;
    double etcdSecs = ctx.quick() ? 2 : 5;
    double fixedSecs = ctx.quick() ? 5 : 15;
    String prefix = "/quarkube-bench/write/" + Long.toHexString(System.nanoTime()) + "/";
    byte[] sample = PodJson.pod(NS, podName(0));
    List<Row> rows = new ArrayList<>();
    System.out.println("    raw puts go to " + ctx.limitEtcdName());
    try (Api api = ctx.api(); LeanHttp lean = new LeanHttp(ctx, MAX_CLIENTS); Client etcd = ctx.limitEtcd()) {
      KV kv = etcd.getKVClient();
      Namespaces.fresh(api, NS);
      AtomicLong seq = new AtomicLong();
      Load.Op create = i -> lean.post("/api/v1/namespaces/" + NS + "/pods", PodJson.pod(NS, podName(i)));
      Load.Op put = i -> kv.put(key(prefix, i), ByteSequence.from(PodJson.pod(NS, podName(i))))
          .get(60, TimeUnit.SECONDS);
      // Warm-up (JIT on both sides, connections, etcd's client): not recorded. A cluster just started by the bench
      // has every JVM cold, and the API server's C2 needs tens of thousands of creates before its hot paths are
      // compiled: after 15 s of warm-up a fresh cluster's fixed-rate p99 was 30-41 ms, after 60 s 14 ms, as on a
      // cluster that had been running (JMH's default warm-up is 50 s). What is measured is a cluster that has been
      // running, as clusters do; start-up is footprint's figure. Each warm-up pod is deleted right after its create,
      // so that the pods left for the read benchmark are only the measured ones (~15,000; with 60 s of creates alone
      // it listed 33,500).
      Load.Op createAndDelete = i -> {
        create.run(i);
        lean.delete("/api/v1/namespaces/" + NS + "/pods/" + podName(i), "{\"gracePeriodSeconds\":0}");
      };
      Load.closedLoop(16, ctx.quick() ? 1 : WARM_UP_SECONDS, seq, createAndDelete);
      Load.closedLoop(16, 1, seq, put);
      for (int c : CLIENTS) {
        System.out.printf("    %d client(s): creates for %.0f s, then etcd puts for %.0f s%n", c, secs, etcdSecs);
        Load.Result a = Load.closedLoop(c, secs, seq, create);
        Load.Result e = Load.closedLoop(c, etcdSecs, seq, put);
        double ratio = a.perSecond() / e.perSecond();
        rows.add(new Row(name(), "pod create, " + c + " client" + (c > 1 ? "s" : ""),
            a.ops() + " × " + sample.length + " B", String.format("%.0f creates/s", a.perSecond()),
            String.format("%.0f etcd puts/s (p50 %s ms)", e.perSecond(), Report.fmt(e.latencies().p50())), ratio,
            "ratio ≥ 0.5", ratio >= 0.5, a.latencies().p50(), a.latencies().p99()));
      }
      // Fixed rate: the latency a client sees at a realistic steady load.
      System.out.printf("    fixed rate: %.0f creates/s for %.0f s%n", FIXED_RATE, fixedSecs);
      Load.Result fixed = Load.openLoop(FIXED_RATE, fixedSecs, 64, seq, create);
      Load.Result fixedEtcd = Load.openLoop(FIXED_RATE, Math.min(fixedSecs, 5), 64, seq, put);
      double p99 = fixed.latencies().p99();
      rows.add(new Row(name(), String.format("pod create at a fixed %.0f/s", FIXED_RATE),
          fixed.ops() + " creates in " + Math.round(fixed.seconds()) + " s", String.format("p99 %s ms",
              Report.fmt(p99)), String.format("etcd put p99 %s ms", Report.fmt(fixedEtcd.latencies().p99())),
          fixedEtcd.latencies().p99() / p99, "p99 ≤ 25 ms", p99 <= 25, fixed.latencies().p50(), p99));
      kv.delete(ByteSequence.from(prefix, StandardCharsets.UTF_8),
          DeleteOption.newBuilder().isPrefix(true).build()).get(60, TimeUnit.SECONDS);
      if (fixed.ops() < FIXED_RATE * fixedSecs) {
        System.out.printf("    the API server fell behind the fixed rate: stopped after %d creates%n", fixed.ops());
      }
      if (ctx.willRun("read")) {
        System.out.println("    the pods stay for the read benchmark");
      } else {
        long t = System.nanoTime();
        Namespaces.delete(api, NS);
        rows.add(Row.info(name(), "cleanup: delete the pods (one DELETE collection) and the namespace",
            "every pod of the run", String.format("%.1f s", (System.nanoTime() - t) / 1e9)));
      }
    }
    return rows;
  }

  /** The name of the i-th pod this benchmark creates (and of the raw put of the same bytes). */
  private static String podName(long i) {
    return String.format("w-%06d", i);
  }

  private static ByteSequence key(String prefix, long i) {
    return ByteSequence.from(prefix + i, StandardCharsets.UTF_8);
  }
}
