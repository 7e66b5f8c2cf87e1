package io.quarkube.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Read path: GET of one pod, and LIST of all pods of a namespace holding 10,000 (quick: 1,000) as JSON and as a Table,
 * one request at a time. Floors: the same bytes served by the loopback echo server to the same client, plus (for
 * LIST) reading the namespace's pods straight from etcd (one range read).
 */
final class ReadBench implements Benchmark {
  static final String NS = WriteBench.NS;
  static final String TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";

  @Override
  public String name() {
    return "read";
  }

  @Override
  public String description() {
    return "GET one pod; LIST 10,000 pods as JSON and as Table (quick: 1,000), vs the same bytes from an echo server";
  }

  @Override
  public List<Row> run(BenchContext ctx) throws Exception {
    int pods = ctx.pick(10_000, 1_000);
    int gets = ctx.pick(1_000, 200);
    int lists = ctx.pick(10, 5);
    List<Row> rows = new ArrayList<>();
    try (Api api = ctx.api(); EchoServer echo = new EchoServer(ctx.state().resolve("pki"));
        Client etcd = ctx.etcd()) {
      // The write benchmark's pods (same kind) when it ran just before; topped up to the size asked for, within a
      // time budget so a slow server still finishes (the table then says how many there were).
      int have = 0;
      if (api.send(api.request("/api/v1/namespaces/" + NS).GET().build()).statusCode() == 200) {
        have = api.getJson("/api/v1/namespaces/" + NS + "/pods").path("items").size();
      } else {
        Namespaces.fresh(api, NS);
      }
      long t = System.nanoTime();
      int made = createPods(api, pods - have, ctx.pick(300, 60));
      double secs = (System.nanoTime() - t) / 1e9;
      pods = have + made;
      rows.add(Row.info(name(), "setup: " + have + " pods from the write benchmark, " + made + " created (32 clients)"
          + (ctx.quick() ? ", quick size" : ""), pods + " pods",
          made == 0 ? "-" : String.format("%.0f creates/s, %.1f s", made / secs, secs)));
      Api floor = new Api("https://127.0.0.1:" + echo.port(), ctx.tls());

      String first = api.getJson("/api/v1/namespaces/" + NS + "/pods?limit=1").path("items").path(0).path("metadata")
          .path("name").asText();
      String one = "/api/v1/namespaces/" + NS + "/pods/" + first;
      byte[] podBytes = api.get(one, "application/json").body();
      Latencies get = repeat(gets, ctx.pick(120, 30), () -> api.get(one, "application/json"));
      echo.payload(podBytes);
      Latencies getFloor = repeat(get.count(), () -> floor.get("/bytes", "application/json"));
      rows.add(new Row(name(), "GET one pod (JSON)", get.count() + " GETs, " + podBytes.length + " B",
          "p99 " + Report.fmt(get.p99()) + " ms", "echo p99 " + Report.fmt(getFloor.p99()) + " ms",
          getFloor.p99() / get.p99(), "p99 ≤ 100 ms (SLO 1 s ÷ 10)", get.p99() <= 100, get.p50(), get.p99()));

      // When the write step left more pods than the size asked for, the LIST is one page of that size (?limit=), as
      // a paginating client reads it: the target is for a LIST of that many.
      int listed = Math.min(pods, ctx.pick(10_000, 1_000));
      String page = listed < pods ? "?limit=" + listed : "";
      // The storage floor: as many of the namespace's pods in one etcd range read (values only, no decoding).
      ByteSequence key = ByteSequence.from("/registry/pods/" + NS + "/", StandardCharsets.UTF_8);
      Latencies range = repeat(lists, () -> etcd.getKVClient().get(key, GetOption.newBuilder().isPrefix(true)
          .withLimit(listed).build()).get(60, TimeUnit.SECONDS));
      for (String[] kind : new String[][] {{"JSON", "application/json"}, {"Table", TABLE}}) {
        String path = "/api/v1/namespaces/" + NS + "/pods" + page;
        byte[] body = api.get(path, kind[1]).body();
        Latencies list = repeat(lists, ctx.pick(240, 60), () -> api.get(path, kind[1]));
        echo.payload(body);
        Latencies listFloor = repeat(list.count(), () -> floor.get("/bytes", "application/json"));
        double floorMs = range.p50() + listFloor.p50();
        rows.add(new Row(name(), "LIST " + listed + " pods as " + kind[0] + (page.isEmpty() ? ""
            : " (" + page.substring(1) + " of the " + pods + " there)"), list.count() + " LISTs, " + mib(body.length),
            "p99 " + Report.fmt(list.p99()) + " ms", String.format("etcd range %s + echo %s ms",
                Report.fmt(range.p50()), Report.fmt(listFloor.p50())), floorMs / list.p50(),
            "p99 ≤ 3 s (SLO 30 s ÷ 10)", list.p99() <= 3000, list.p50(), list.p99()));
      }
      floor.close();
      t = System.nanoTime();
      String cleanup;
      try {
        Namespaces.delete(api, NS);
        cleanup = String.format("%.1f s", (System.nanoTime() - t) / 1e9);
      } catch (IllegalStateException e) {
        // Without the controllers (QUARKUBE_COMPONENTS=api-server) nothing finishes a namespace's deletion: the
        // figures above still stand.
        cleanup = "not finished: " + e.getMessage();
      }
      rows.add(Row.info(name(), "cleanup: delete the pods (one DELETE collection) and the namespace", pods + " pods",
          cleanup));
    }
    return rows;
  }

  static String mib(long bytes) {
    return bytes >= 1 << 20 ? String.format("%.1f MiB", bytes / 1048576.0) : String.format("%.0f KiB", bytes / 1024.0);
  }

  interface Call {
    Object call() throws Exception;
  }

  /** Runs {@code call} n times one after another (after one unrecorded warm-up call) and records each. */
  static Latencies repeat(int n, Call call) throws Exception {
    return repeat(n, Integer.MAX_VALUE, call);
  }

  /** As {@link #repeat(int, Call)}, but stops early once {@code budgetSeconds} have passed (a slow server). */
  static Latencies repeat(int n, int budgetSeconds, Call call) throws Exception {
    long end = System.nanoTime() + Math.min(TimeUnit.SECONDS.toNanos(budgetSeconds), Long.MAX_VALUE / 4);
    call.call();
    Latencies l = new Latencies();
    for (int i = 0; i < n && (i == 0 || System.nanoTime() < end); i++) {
      long t = System.nanoTime();
      call.call();
      l.add(System.nanoTime() - t);
    }
    return l;
  }

  /** Creates r-000000 ... with 32 clients, stopping after {@code budgetSeconds}; returns how many it made. */
  static int createPods(Api api, int n, int budgetSeconds) throws Exception {
    long budgetEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(budgetSeconds);
    AtomicLong made = new AtomicLong();
    AtomicLong next = new AtomicLong();
    Latencies lat = new Latencies();
    long start = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    List<Exception> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int c = 0; c < 32; c++) {
      Thread th = new Thread(() -> {
        long i;
        while ((i = next.getAndIncrement()) < n && errors.isEmpty() && System.nanoTime() < budgetEnd) {
          long t = System.nanoTime();
          try {
            api.post("/api/v1/namespaces/" + NS + "/pods", PodJson.pod(NS, String.format("r-%06d", i)));
            made.incrementAndGet();
          } catch (Exception e) {
            errors.add(e);
          }
          lat.add(System.nanoTime() - t);
        }
      });
      th.start();
      threads.add(th);
    }
    for (Thread th : threads) {
      th.join();
    }
    if (!errors.isEmpty()) {
      throw errors.get(0);
    }
    return (int) made.get();
  }
}
