package io.quarkube.scheduler.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Upstream scheduler_perf's SchedulingBasic against a running API server and etcd: N simulated nodes (Node objects,
 * no kubelet), M pending pods, then the scheduler. Prints pods scheduled per second (average, and the slowest
 * 10-second window), the CPU the scheduler, API server and etcd used, and the same-minute baseline of raw etcd puts
 * per second; writes the figures as JSON. A command, not a test: it asserts nothing and only runs when asked
 * ({@code scheduler/bench.sh} sets everything up):
 *
 * <pre>
 * mvn -pl scheduler test -Dtest=SchedulingBasicBench -Dbench.kubeconfig=STATE/admin.kubeconfig \
 *     -Dbench.state-dir=STATE \
 *     -Dbench.nodes=500 -Dbench.pods=1000 [-Dbench.etcd=http://127.0.0.1:2379] [-Dbench.results=FILE]
 * </pre>
 *
 * By default the cluster must run without a scheduler ({@code QUARKUBE_COMPONENTS=api-server ./quarkube up}): the
 * bench creates all pods first, then starts the scheduler jar itself, so the figure is the scheduler's plus the API
 * server's binding path, not the pod creation rate; the clock starts at the first binding. With
 * {@code -Dbench.start-scheduler=false} it measures the cluster's own scheduler while pods are being created.
 */
@EnabledIfSystemProperty(named = "bench.kubeconfig", matches = ".+")
class SchedulingBasicBench {
  private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(10);

  @Test
  void schedulingBasic() throws Exception {
    int nodes = Integer.getInteger("bench.nodes", 500);
    int pods = Integer.getInteger("bench.pods", 1000);
    Path state = Path.of(System.getProperty("bench.state-dir", "."));
    boolean own = Boolean.parseBoolean(System.getProperty("bench.start-scheduler", "true"));
    String etcd = System.getProperty("bench.etcd", "");
    Config cfg = Config.fromKubeconfig(Files.readString(Path.of(System.getProperty("bench.kubeconfig"))));
    // The bench's own watch (counting bindings) over a WebSocket, as the components' watches: Fabric8's plain-HTTP
    // watch reader costs the shared CPUs a char-by-char StringBuffer per event.
    cfg.setOnlyHttpWatches(false);
    // A shared, loaded machine: generous timeouts, and few enough connections that TLS handshakes don't pile up.
    cfg.setConnectionTimeout(60_000);
    cfg.setRequestTimeout(120_000);
    cfg.setMaxConcurrentRequests(32);
    cfg.setMaxConcurrentRequestsPerHost(32);
    String run = "bench-" + UUID.randomUUID().toString().substring(0, 6);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("benchmark", "SchedulingBasic");
    out.put("time", Instant.now().toString());
    out.put("nodes", nodes);
    out.put("pods", pods);
    out.put("cpus", Runtime.getRuntime().availableProcessors());
    out.put("loadAverageBefore", loadAverage());
    try (KubernetesClient c = new KubernetesClientBuilder().withConfig(cfg).build()) {
      ExecutorService pool = Executors.newFixedThreadPool(16);
      long t0 = System.nanoTime();
      List<Future<?>> fs = new ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        Node n = node(run + "-n" + i, run);
        fs.add(pool.submit(() -> createWithRetry(() -> c.nodes().resource(n).create())));
      }
      awaitAll(fs);
      System.out.printf("created %d nodes in %.1f s%n", nodes, (System.nanoTime() - t0) / 1e9);
      c.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(run).endMetadata().build()).create();
      // Pods need their service account; without the controller manager nobody else creates "default".
      // (when a controller manager runs, it may make it first: that is fine)
      try {
        c.serviceAccounts().inNamespace(run).resource(new ServiceAccountBuilder().withNewMetadata()
            .withName("default").endMetadata().build()).create();
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }

      Set<String> bound = ConcurrentHashMap.newKeySet();
      // Atomic: the main thread reads the first entry as soon as the count moves (a plain array read 0 there once,
      // and the run's clock started at the machine's boot).
      AtomicLongArray boundAt = new AtomicLongArray(pods);
      AtomicInteger boundCount = new AtomicInteger();
      var watch = c.pods().inNamespace(run).watch(new Watcher<Pod>() {
        @Override
        public void eventReceived(Action action, Pod pod) {
          if (pod.getSpec().getNodeName() != null && bound.add(pod.getMetadata().getName())) {
            int i = boundCount.getAndIncrement();
            if (i < boundAt.length()) {
              boundAt.set(i, System.nanoTime());
            }
          }
        }

        @Override
        public void onClose(WatcherException cause) {}
      });
      long apiPid = pid(state, "api-server");
      long etcdPid = pid(state, "etcd");
      long schedPid = own ? -1 : pid(state, "scheduler");
      long start = System.nanoTime();
      long cpuSched0 = cpuTicks(schedPid);
      long cpuApi0 = cpuTicks(apiPid);
      long cpuEtcd0 = cpuTicks(etcdPid);
      fs.clear();
      for (int i = 0; i < pods; i++) {
        Pod p = pod(run, "p" + i, own ? BENCH_SCHEDULER : "default-scheduler");
        fs.add(pool.submit(() -> createWithRetry(() -> c.pods().inNamespace(run).resource(p).create())));
      }
      awaitAll(fs);
      double created = (System.nanoTime() - start) / 1e9;
      System.out.printf("created %d pods in %.1f s (%.0f/s)%n", pods, created, pods / created);
      out.put("podCreatesPerSecond", round(pods / created));
      if (!etcd.isEmpty()) {
        double puts = EtcdBaseline.putsPerSecond(etcd, run, 3000);
        System.out.printf("baseline: raw etcd puts (jetcd, 32 in flight, 1.5 KB) %.0f/s%n", puts);
        out.put("etcdPutsPerSecondBefore", round(puts));
      }
      Process scheduler = null;
      long cpuSchedAtFirst = -1;
      if (own) {
        scheduler = startScheduler(state);
        schedPid = scheduler.pid();
        while (boundAt.get(0) == 0 && scheduler.isAlive()) {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        start = boundAt.get(0);
        cpuSchedAtFirst = cpuTicks(schedPid);
        cpuSched0 = 0;
        cpuApi0 = cpuTicks(apiPid);
        cpuEtcd0 = cpuTicks(etcdPid);
      }
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(Integer.getInteger("bench.timeout-minutes", 30));
      while (boundCount.get() < pods && System.nanoTime() < deadline && (scheduler == null || scheduler.isAlive())) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      }
      long end = System.nanoTime();
      long cpuSched = cpuTicks(schedPid) - cpuSched0;
      long cpuApi = cpuTicks(apiPid) - cpuApi0;
      long cpuEtcd = cpuTicks(etcdPid) - cpuEtcd0;
      long rss = rssMiB(schedPid);
      if (scheduler != null) {
        scheduler.destroy();
        scheduler.waitFor(30, TimeUnit.SECONDS);
      }
      watch.close();
      int n = Math.min(boundCount.get(), pods);
      double total = (end - start) / 1e9;
      double rate = n / total;
      System.out.printf("scheduled %d/%d pods in %.1f s: %.0f pods/s on average%n", n, pods, total, rate);
      double slowest = slowestWindow(boundAt, n, start, end);
      System.out.printf("slowest 10 s window: %s%n", slowest < 0 ? String.format("n/a (the run took %.1f s)", total)
          : String.format("%.0f pods/s", slowest));
      System.out.printf("CPU during the run: scheduler %.1f s, API server %.1f s, etcd %.1f s (%.0f%%, %.0f%%, %.0f%% "
          + "of one core); scheduler RSS %d MiB%n", cpuSched / 100.0, cpuApi / 100.0, cpuEtcd / 100.0,
          cpuSched / total, cpuApi / total, cpuEtcd / total, rss);
      out.put("scheduled", n);
      out.put("seconds", round(total));
      out.put("podsPerSecond", round(rate));
      out.put("slowest10sWindowPodsPerSecond", slowest < 0 ? null : round(slowest));
      out.put("schedulerCpuSeconds", cpuSched / 100.0);
      out.put("apiServerCpuSeconds", cpuApi / 100.0);
      out.put("etcdCpuSeconds", cpuEtcd / 100.0);
      if (n > 0) {
        out.put("cpuMillisPerPod", Map.of("scheduler", round(cpuSched * 10.0 / n), "apiServer",
            round(cpuApi * 10.0 / n), "etcd", round(cpuEtcd * 10.0 / n)));
      }
      if (cpuSchedAtFirst >= 0 && n > 0) {
        // Without the JVM's start, the informers' initial lists and the wait for the first binding: the steady
        // state's cost per pod.
        long steady = cpuSched - cpuSchedAtFirst;
        System.out.printf("scheduler CPU from the first binding on: %.1f s (%.2f ms per pod)%n", steady / 100.0,
            steady * 10.0 / n);
        out.put("schedulerCpuSecondsFromFirstBinding", steady / 100.0);
      }
      out.put("schedulerRssMiB", rss);
      if (!etcd.isEmpty()) {
        double puts = EtcdBaseline.putsPerSecond(etcd, run, 3000);
        System.out.printf("baseline after: raw etcd puts %.0f/s%n", puts);
        out.put("etcdPutsPerSecondAfter", round(puts));
        double base = ((Double) out.get("etcdPutsPerSecondBefore") + puts) / 2;
        // Each pod costs the API server two writes (binding, Scheduled event): the machine's ceiling is base / 2.
        System.out.printf("ratio: %.1f%% of the raw etcd put rate (%.1f%% of the two-writes-per-pod ceiling)%n",
            100 * rate / base, 200 * rate / base);
        out.put("ratioToEtcdPuts", round(rate / base));
      }
      out.put("loadAverageAfter", loadAverage());
      // Clean up: pods on nodes without kubelet need grace period 0.
      c.pods().inNamespace(run).withGracePeriod(0).delete();
      c.namespaces().withName(run).delete();
      c.nodes().withLabel("bench", run).delete();
      pool.shutdown();
    }
    Path results = Path.of(System.getProperty("bench.results", "../bench-results/scheduler.json"));
    Files.createDirectories(results.toAbsolutePath().getParent());
    Files.writeString(results, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out)
        + "\n");
    System.out.println("wrote " + results.toAbsolutePath().normalize());
  }

  /** The schedulerName of the pods and of the profile of the scheduler this benchmark starts. */
  static final String BENCH_SCHEDULER = "quarkube-bench-scheduler";

  private static Process startScheduler(Path state) throws Exception {
    Path jar = Path.of(System.getProperty("user.dir"), "target/quarkus-app/quarkus-run.jar");
    Path conf = Files.createTempFile("bench-scheduler", ".yaml");
    // A profile of its own: the cluster's scheduler (when `./quarkube bench` runs this against a whole cluster)
    // leaves the benchmark's pods alone, so they wait until this one starts and the figure is its own rate rather
    // than the pace of the creates.
    Files.writeString(conf, "leaderElection:\n  leaderElect: false\nprofiles:\n- schedulerName: " + BENCH_SCHEDULER
        + "\n");
    List<String> cmd = new ArrayList<>(List.of(schedulerJava(state), "-Xmx1g"));
    // By default the JVM flags `./quarkube up` gives the scheduler (the launcher's jvm_flags_of), so the figure is
    // the deployed scheduler's; bench.scheduler-java-opts replaces them.
    String extra = System.getProperty("bench.scheduler-java-opts", "");
    if (extra.isBlank()) {
      // -Xms16m too: without it the JVM starts with 1/64 of the machine's memory as its heap and the RSS printed
      // below was that of a heap the deployed scheduler never gets (1,006 MiB at 500 nodes / 4,000 pods).
      extra = "-XX:+UseSerialGC -XX:NewRatio=4 -XX:TieredStopAtLevel=1 -Xms16m";
    }
    if (!extra.isBlank()) {
      cmd.addAll(List.of(extra.trim().split("\\s+")));
    }
    System.out.println("scheduler JVM: " + String.join(" ", cmd));
    cmd.addAll(List.of("-Dquarkube.kubeconfig=" + state.resolve("scheduler.kubeconfig"),
        "-Dquarkube.scheduler.config=" + conf, "-Dquarkus.http.port=0", "-jar", jar.toString()));
    ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(Path.of("target", "bench-scheduler.log").toFile());
    builder.environment().put("MALLOC_ARENA_MAX", "2"); // as the launcher starts the components
    return builder.start();
  }

  /**
   * The java the cluster's components run on (the launcher notes it in {@code run/java}: the newest JDK it found,
   * not necessarily this test's), so the figure is the deployed scheduler's; this JVM's own for a cluster without it.
   */
  static String schedulerJava(Path state) throws java.io.IOException {
    Path noted = state.resolve("run").resolve("java");
    if (Files.isReadable(noted)) {
      String java = Files.readString(noted).trim();
      if (!java.isEmpty()) {
        return java;
      }
    }
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * Creates, retrying when the connection drops (a loaded machine: the server's idle timeout can close a pooled
   * connection just as a request goes out); "already exists" after a retry means the first attempt went through.
   */
  private static Object createWithRetry(java.util.function.Supplier<?> create) {
    for (int attempt = 1; ; attempt++) {
      try {
        return create.get();
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (attempt > 1 && e.getCode() == 409) {
          return null;
        }
        if (attempt >= 5 || e.getCode() != 0 && e.getCode() < 500 && e.getCode() != 429) {
          throw e;
        }
      }
    }
  }

  private static void awaitAll(List<Future<?>> fs) throws Exception {
    for (Future<?> f : fs) {
      f.get();
    }
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  /** The lowest rate over any 10-second window (sliding by 1 s); -1 when the run was shorter. */
  static double slowestWindow(AtomicLongArray boundAt, int n, long start, long end) {
    if (end - start < WINDOW_NANOS) {
      return -1;
    }
    double worst = Double.MAX_VALUE;
    for (long w = start; w + WINDOW_NANOS <= end; w += TimeUnit.SECONDS.toNanos(1)) {
      int count = 0;
      for (int i = 0; i < n; i++) {
        long at = boundAt.get(i);
        if (at >= w && at < w + WINDOW_NANOS) {
          count++;
        }
      }
      worst = Math.min(worst, count / 10.0);
    }
    return worst;
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (Exception e) {
      return "";
    }
  }

  private static long pid(Path state, String component) {
    try {
      return Long.parseLong(Files.readString(state.resolve("run/" + component + ".pid")).trim());
    } catch (Exception e) {
      return -1;
    }
  }

  /** User + system CPU of a process in clock ticks (1/100 s); 0 when unknown. */
  private static long cpuTicks(long pid) {
    if (pid <= 0) {
      return 0;
    }
    try {
      String[] f = Files.readString(Path.of("/proc", Long.toString(pid), "stat")).split("\\) ")[1].split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (Exception e) {
      return 0;
    }
  }

  private static long rssMiB(long pid) {
    if (pid <= 0) {
      return -1;
    }
    try {
      for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (l.startsWith("VmRSS:")) {
          return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (Exception e) {
      // not on this machine
    }
    return -1;
  }

  private static Node node(String name, String run) {
    Map<String, Quantity> alloc = Map.of("cpu", new Quantity("4"), "memory", new Quantity("32Gi"), "pods",
        new Quantity("110"));
    return new NodeBuilder().withNewMetadata().withName(name).addToLabels("bench", run)
        .addToLabels("kubernetes.io/hostname", name).endMetadata().withNewSpec().endSpec().withNewStatus()
        .withCapacity(alloc).withAllocatable(alloc).addNewCondition().withType("Ready").withStatus("True")
        .endCondition().endStatus().build();
  }

  /** scheduler_perf's pod-default: one container requesting 100m cpu and 500Mi memory. */
  private static Pod pod(String ns, String name, String schedulerName) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata().withNewSpec()
        .withSchedulerName(schedulerName).addNewContainer().withName("pause").withImage("registry.k8s.io/pause:3.10").withNewResources()
        .addToRequests("cpu", new Quantity("100m")).addToRequests("memory", new Quantity("500Mi")).endResources()
        .endContainer().endSpec().build();
  }
}
