package io.quarkube.scheduler.bench;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Upstream scheduler_perf's SchedulingBasic against a running cluster: N simulated nodes (Node objects, no kubelet),
 * M pending pods, and the scheduler of the cluster doing its job. Prints pods scheduled per second (average over the
 * run, and the slowest 10-second window) and the scheduler's CPU and memory. A command, not a test: it asserts
 * nothing and only runs when asked:
 *
 * <pre>
 * mvn -pl scheduler test -Dtest=SchedulingBasicBench -Dbench.kubeconfig=STATE/admin.kubeconfig \
 *     -Dbench.state-dir=STATE -Dbench.nodes=500 -Dbench.pods=1000 [-Dbench.start-scheduler=true]
 * </pre>
 *
 * With {@code bench.start-scheduler=true} the cluster must run without a scheduler
 * ({@code QUARKUBE_COMPONENTS=api-server ./quarkube up}): the bench creates all pods first, then starts the
 * scheduler jar itself, so the figure is the scheduler's (plus the API server's binding path), not the pod creation
 * rate; the clock starts at the first binding.
 */
@EnabledIfSystemProperty(named = "bench.kubeconfig", matches = ".+")
class SchedulingBasicBench {
  @Test
  void schedulingBasic() throws Exception {
    int nodes = Integer.getInteger("bench.nodes", 500);
    int pods = Integer.getInteger("bench.pods", 1000);
    Path state = Path.of(System.getProperty("bench.state-dir", "."));
    Config cfg = Config.fromKubeconfig(Files.readString(Path.of(System.getProperty("bench.kubeconfig"))));
    cfg.setOnlyHttpWatches(true);
    cfg.setMaxConcurrentRequests(256);
    cfg.setMaxConcurrentRequestsPerHost(256);
    String run = "bench-" + UUID.randomUUID().toString().substring(0, 6);
    try (KubernetesClient c = new KubernetesClientBuilder().withConfig(cfg).build()) {
      ExecutorService pool = Executors.newFixedThreadPool(32);
      long t0 = System.nanoTime();
      List<Future<?>> fs = new ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        Node n = node(run + "-n" + i, run);
        fs.add(pool.submit(() -> c.nodes().resource(n).create()));
      }
      for (Future<?> f : fs) {
        f.get();
      }
      System.out.printf("created %d nodes in %.1f s%n", nodes, (System.nanoTime() - t0) / 1e9);
      c.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(run).endMetadata().build()).create();

      Set<String> bound = ConcurrentHashMap.newKeySet();
      long[] boundAt = new long[pods];
      var watch = c.pods().inNamespace(run).watch(new Watcher<Pod>() {
        @Override
        public void eventReceived(Action action, Pod pod) {
          if (pod.getSpec().getNodeName() != null && bound.add(pod.getMetadata().getName())) {
            boundAt[bound.size() - 1] = System.nanoTime();
          }
        }

        @Override
        public void onClose(WatcherException cause) {}
      });
      boolean own = Boolean.getBoolean("bench.start-scheduler");
      long cpu0 = own ? 0 : schedulerCpuTicks(state);
      long start = System.nanoTime();
      fs.clear();
      for (int i = 0; i < pods; i++) {
        Pod p = pod(run, "p" + i);
        fs.add(pool.submit(() -> c.pods().inNamespace(run).resource(p).create()));
      }
      for (Future<?> f : fs) {
        f.get();
      }
      double created = (System.nanoTime() - start) / 1e9;
      Process scheduler = null;
      if (own) {
        Path jar = Path.of(System.getProperty("user.dir"), "target/quarkus-app/quarkus-run.jar");
        Path conf = Files.createTempFile("bench-scheduler", ".yaml");
        Files.writeString(conf, "leaderElection:\n  leaderElect: false\n");
        scheduler = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
            "-Dquarkube.kubeconfig=" + state.resolve("scheduler.kubeconfig"), "-Dquarkube.scheduler.config=" + conf,
            "-Dquarkus.http.port=0", "-jar", jar.toString()).redirectErrorStream(true)
            .redirectOutput(Path.of("target", "bench-scheduler.log").toFile()).start();
        while (bound.isEmpty() && scheduler.isAlive()) {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        start = boundAt[0];
      }
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      while (bound.size() < pods && System.nanoTime() < deadline) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      }
      long end = System.nanoTime();
      long cpu1 = own ? cpuTicks(scheduler.pid()) : schedulerCpuTicks(state);
      long rss = own ? rssMiB(scheduler.pid()) : schedulerRssMiB(state);
      if (own) {
        scheduler.destroy();
      }
      watch.close();
      int n = bound.size();
      double total = (end - start) / 1e9;
      System.out.printf("created %d pods in %.1f s (%.0f/s)%n", pods, created, pods / created);
      System.out.printf("scheduled %d/%d pods in %.1f s: %.0f pods/s on average%n", n, pods, total, n / total);
      System.out.printf("slowest 10 s window: %s%n", slowestWindow(boundAt, n, start, end));
      if (cpu0 >= 0 && cpu1 >= 0) {
        System.out.printf("scheduler CPU: %.1f s (%.0f%% of one core); RSS %d MiB%n", (cpu1 - cpu0) / 100.0,
            (cpu1 - cpu0) / total, rss);
      }
      // Clean up: pods on nodes without kubelet need grace period 0.
      c.pods().inNamespace(run).withGracePeriod(0).delete();
      c.namespaces().withName(run).delete();
      c.nodes().withLabel("bench", run).delete();
      pool.shutdown();
    }
  }

  private static String slowestWindow(long[] boundAt, int n, long start, long end) {
    double span = (end - start) / 1e9;
    if (span < 10) {
      return String.format("n/a (the run took %.1f s)", span);
    }
    double worst = Double.MAX_VALUE;
    for (long w = start; w + 10_000_000_000L <= end; w += 1_000_000_000L) {
      int count = 0;
      for (int i = 0; i < n; i++) {
        if (boundAt[i] >= w && boundAt[i] < w + 10_000_000_000L) {
          count++;
        }
      }
      worst = Math.min(worst, count / 10.0);
    }
    return String.format("%.0f pods/s", worst);
  }

  private static long schedulerCpuTicks(Path state) {
    try {
      return cpuTicks(Long.parseLong(Files.readString(state.resolve("run/scheduler.pid")).trim()));
    } catch (Exception e) {
      return -1;
    }
  }

  private static long cpuTicks(long pidNum) {
    try {
      String pid = Long.toString(pidNum);
      String[] f = Files.readString(Path.of("/proc", pid, "stat")).split("\\) ")[1].split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (Exception e) {
      return -1;
    }
  }

  private static long schedulerRssMiB(Path state) {
    try {
      return rssMiB(Long.parseLong(Files.readString(state.resolve("run/scheduler.pid")).trim()));
    } catch (Exception e) {
      return -1;
    }
  }

  private static long rssMiB(long pidNum) {
    try {
      String pid = Long.toString(pidNum);
      for (String l : Files.readAllLines(Path.of("/proc", pid, "status"))) {
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
  private static Pod pod(String ns, String name) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata().withNewSpec()
        .addNewContainer().withName("pause").withImage("registry.k8s.io/pause:3.10").withNewResources()
        .addToRequests("cpu", new Quantity("100m")).addToRequests("memory", new Quantity("500Mi")).endResources()
        .endContainer().endSpec().build();
  }
}
