package io.quarkube.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Pod startup on the real node: 50 (quick: 10) busybox pods (image already present: a warm-up pod pulls it first),
 * created at once, from each create to Running seen through a watch, split by what the watch shows: create → bound
 * (scheduler), bound → first kubelet status (kubelet picks it up, sandbox), → Running (containers started). Limit:
 * as many bare containers through containerd and runc without Kubernetes ({@code ctr run --rm busybox true}), all
 * started at once as the pods are; one container alone is printed beside it.
 */
final class PodStartupBench implements Benchmark {
  static final String NS = "quarkube-bench-pods";
  static final String IMAGE = "docker.io/library/busybox:latest";

  @Override
  public String name() {
    return "pod-startup";
  }

  @Override
  public String description() {
    return "50 pods (quick: 10) on the real node, create → Running seen through a watch, split scheduler/kubelet/runtime";
  }

  /** What the watch saw of one pod, in System.nanoTime(). */
  static final class Times {
    volatile long created;
    volatile long bound;
    volatile long kubelet;
    volatile long running;
  }

  @Override
  public List<Row> run(BenchContext ctx) throws Exception {
    int n = ctx.pick(50, 10);
    List<Row> rows = new ArrayList<>();
    try (Api api = ctx.api()) {
      String node = realNode(api);
      Namespaces.fresh(api, NS);
      Map<String, Times> times = new ConcurrentHashMap<>();
      String rv = api.getJson("/api/v1/namespaces/" + NS + "/pods").path("metadata").path("resourceVersion").asText();
      Flow.Subscription[] sub = new Flow.Subscription[1];
      api.http().sendAsync(api.request("/api/v1/namespaces/" + NS + "/pods?watch=true&resourceVersion=" + rv)
          .timeout(java.time.Duration.ofMinutes(30)).GET().build(),
          HttpResponse.BodyHandlers.fromLineSubscriber(new Flow.Subscriber<String>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
              sub[0] = s;
              s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(String line) {
              observe(line, times);
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onComplete() {}
          }));
      // Warm-up: pulls the image if needed and warms the kubelet; not counted.
      times.put("warmup", new Times());
      times.get("warmup").created = System.nanoTime();
      api.post("/api/v1/namespaces/" + NS + "/pods", pod("warmup", node));
      awaitRunning(times, List.of("warmup"), 180);

      List<String> names = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        names.add(String.format("p-%03d", i));
        times.put(names.get(i), new Times());
      }
      ExecutorService pool = Executors.newFixedThreadPool(Math.min(n, 10));
      long start = System.nanoTime();
      List<Future<?>> fs = new ArrayList<>();
      for (String name : names) {
        fs.add(pool.submit(() -> {
          times.get(name).created = System.nanoTime();
          api.post("/api/v1/namespaces/" + NS + "/pods", pod(name, node));
          return null;
        }));
      }
      for (Future<?> f : fs) {
        f.get(5, TimeUnit.MINUTES);
      }
      pool.shutdown();
      awaitRunning(times, names, ctx.pick(600, 240));
      double allSecs = (System.nanoTime() - start) / 1e9;
      Latencies total = new Latencies();
      Latencies sched = new Latencies();
      Latencies kubelet = new Latencies();
      Latencies runtime = new Latencies();
      for (String name : names) {
        Times t = times.get(name);
        total.add(t.running - t.created);
        if (t.bound > 0) {
          sched.add(t.bound - t.created);
          long k = t.kubelet > 0 ? t.kubelet : t.running;
          kubelet.add(k - t.bound);
          runtime.add(t.running - k);
        }
      }
      Latencies floor = containerFloor(ctx, ctx.pick(5, 3));
      Latencies atOnce = containersAtOnce(ctx, n);
      rows.add(new Row(name(), n + " pods created at once → Running (watch)", n + " pods, all Running in "
          + String.format("%.1f s", allSecs), "p99 " + Report.fmt(total.p99()) + " ms",
          n + " bare containers at once (ctr run) p99 " + Report.fmt(atOnce.p99()) + " ms; one alone "
          + Report.fmt(floor.p50()) + " ms", atOnce.p99() / total.p99(),
          "p99 ≤ 1 s (SLO 5 s)", total.p99() <= 1000, total.p50(), total.p99()));
      rows.add(Row.info(name(), "  scheduler: create → bound", n + " pods", "p99 " + Report.fmt(sched.p99()) + " ms")
          .withLatency(sched));
      if (runtime.maxMs() < 1) {
        // The kubelet's first status write already said Running: the runtime's part is inside this one.
        rows.add(Row.info(name(), "  kubelet + runtime: bound → Running (first kubelet status)", n + " pods",
            "p99 " + Report.fmt(kubelet.p99()) + " ms").withLatency(kubelet));
      } else {
        rows.add(Row.info(name(), "  kubelet: bound → first kubelet status", n + " pods",
            "p99 " + Report.fmt(kubelet.p99()) + " ms").withLatency(kubelet));
        rows.add(Row.info(name(), "  runtime: → Running (sandbox, containers)", n + " pods",
            "p99 " + Report.fmt(runtime.p99()) + " ms").withLatency(runtime));
      }
      long t0 = System.nanoTime();
      api.delete("/api/v1/namespaces/" + NS + "/pods?gracePeriodSeconds=0",
          "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"gracePeriodSeconds\":0}");
      awaitNoPods(api, 300);
      rows.add(Row.info(name(), "teardown: delete them (grace 0) until gone", (n + 1) + " pods",
          String.format("%.1f s", (System.nanoTime() - t0) / 1e9)));
      if (sub[0] != null) {
        sub[0].cancel();
      }
      Namespaces.delete(api, NS);
    }
    return rows;
  }

  static void observe(String line, Map<String, Times> times) {
    long now = System.nanoTime();
    JsonNode ev;
    try {
      ev = Api.JSON.readTree(line);
    } catch (Exception e) {
      return;
    }
    JsonNode pod = ev.path("object");
    Times t = times.get(pod.path("metadata").path("name").asText());
    if (t == null) {
      return;
    }
    if (t.bound == 0 && !pod.path("spec").path("nodeName").asText().isEmpty()) {
      t.bound = now;
    }
    if (t.kubelet == 0 && t.bound > 0 && pod.path("status").has("containerStatuses")) {
      t.kubelet = now;
    }
    if (t.running == 0 && "Running".equals(pod.path("status").path("phase").asText())) {
      t.running = now;
      if (t.bound == 0) {
        t.bound = now;
      }
    }
  }

  static void awaitRunning(Map<String, Times> times, List<String> names, int seconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      long missing = names.stream().filter(n -> times.get(n).running == 0).count();
      if (missing == 0) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(missing + " of " + names.size() + " pods were not Running after " + seconds
            + " s (kubectl -n " + NS + " describe pods)");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  static void awaitNoPods(Api api, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (api.getJson("/api/v1/namespaces/" + NS + "/pods").path("items").size() > 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("pods of " + NS + " still there " + seconds + " s after their deletion");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
    }
  }

  /** The node this machine runs: named like the host (as the launcher names it), and Ready. */
  static String realNode(Api api) throws Exception {
    String host = java.net.InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
    JsonNode node = api.getJson("/api/v1/nodes/" + host);
    for (JsonNode c : node.path("status").path("conditions")) {
      if ("Ready".equals(c.path("type").asText()) && "True".equals(c.path("status").asText())) {
        return host;
      }
    }
    throw new IllegalStateException("node " + host + " is not Ready");
  }

  static byte[] pod(String name, String node) {
    return ("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","namespace":"%s","labels":{"app":"bench-startup"}},
         "spec":{"nodeSelector":{"kubernetes.io/hostname":"%s"},"terminationGracePeriodSeconds":0,
          "containers":[{"name":"main","image":"busybox","imagePullPolicy":"IfNotPresent",
           "command":["sleep","3600"]}]}}""").formatted(name, NS, node).getBytes(StandardCharsets.UTF_8);
  }

  /** Starts and removes one bare container (busybox true) through containerd and runc, k times; its latencies. */
  static Latencies containerFloor(BenchContext ctx, int k) throws Exception {
    Latencies l = new Latencies();
    for (int i = 0; i < k; i++) {
      long t = System.nanoTime();
      awaitContainer(startContainer(ctx));
      l.add(System.nanoTime() - t);
    }
    return l;
  }

  /**
   * The runtime's own limit for the pods' load: {@code k} bare containers (one per pod) started together, each
   * latency from the common start to its exit. A pod is one runc shim with two containers (the sandbox's pause and
   * busybox) and a network namespace; a {@code ctr run} is one shim with one container, plus the ctr process itself.
   * One container alone (the limit until session 11) said nothing about fifty at once on two CPUs.
   */
  static Latencies containersAtOnce(BenchContext ctx, int k) throws Exception {
    long t = System.nanoTime();
    List<Process> started = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      started.add(startContainer(ctx));
    }
    Latencies l = new Latencies();
    List<java.util.concurrent.CompletableFuture<Void>> exits = new ArrayList<>();
    for (Process p : started) {
      exits.add(p.onExit().thenRun(() -> l.add(System.nanoTime() - t)));
    }
    for (Process p : started) {
      awaitContainer(p);
    }
    exits.forEach(java.util.concurrent.CompletableFuture::join);
    return l;
  }

  private static Process startContainer(BenchContext ctx) throws java.io.IOException {
    String sock = ctx.state().resolve("containerd.sock").toString();
    String id = "quarkube-bench-floor-" + Long.toHexString(System.nanoTime());
    return new ProcessBuilder("ctr", "--address", sock, "-n", "k8s.io", "run", "--rm", IMAGE, id, "true")
        .redirectErrorStream(true).start();
  }

  private static void awaitContainer(Process p) throws Exception {
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("ctr run " + IMAGE + " failed: " + out.trim());
    }
  }

}
