package io.quarkube.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Footprint: {@code ./quarkube up} of a second, throwaway cluster (its own state folder, ports 500 above the cluster
 * under test) from nothing running to its node Ready, then the resident memory of each component after it idled for
 * 60 s (quick: 10 s). Floor for memory: etcd as measured plus one bare idle JVM per Java control-plane process (one
 * when the scheduler and the controllers run in the API server's JVM, the launcher's default; three when separate).
 */
final class FootprintBench implements Benchmark {
  static final int PORT_SHIFT = 500;
  static final List<String> CONTROL_PLANE = List.of("api-server", "scheduler", "controllers", "etcd");
  private static final Pattern STEP = Pattern.compile("^==> (.+)$");
  private static final Pattern TOOK = Pattern.compile("\\(([0-9m.]+s), total ([0-9m.]+s)\\)");

  @Override
  public String name() {
    return "footprint";
  }

  @Override
  public String description() {
    return "./quarkube up of a throwaway cluster → node Ready; RSS of each component idle after 60 s (quick: 10 s)";
  }

  @Override
  public List<Row> run(BenchContext ctx) throws Exception {
    int api = ctx.apiPort() + PORT_SHIFT;
    int etcd = ctx.etcdPort() + PORT_SHIFT;
    Path dir = ctx.repo().resolve(".quarkube/bench-footprint-" + api);
    Map<String, String> env = env(api, etcd);
    List<Row> rows = new ArrayList<>();
    launcher(ctx, dir, env, "down"); // a cluster left by an interrupted run
    for (int port : ports(api, etcd)) {
      if (!free(port)) {
        return List.of(Row.info(name(), "not run: port " + port + " (of the throwaway cluster) is taken", "-", "-"));
      }
    }
    deleteTree(dir);
    try {
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      long bareJvm = bareJvmRss(java, ctx);
      rows.addAll(up(ctx, dir, env, "from nothing (fresh state folder: PKI made, images pushed)"));
      if (!ctx.quick()) {
        launcher(ctx, dir, env, "down");
        rows.addAll(up(ctx, dir, env, "restart (state folder kept: PKI, etcd data, images)"));
      }
      int idle = ctx.pick(60, 10);
      Thread.sleep(TimeUnit.SECONDS.toMillis(idle));
      Map<String, Long> rss = new LinkedHashMap<>();
      for (String c : BenchContext.COMPONENTS) {
        OptionalLong pid = Procs.pidFile(dir.resolve("run/" + c + ".pid"));
        if (pid.isPresent()) {
          rss.put(c, Procs.rssBytes(pid.getAsLong()));
        }
      }
      long sum = 0;
      int processes = 0;
      for (String c : CONTROL_PLANE) {
        if (rss.containsKey(c)) {
          sum += Math.max(0, rss.get(c));
          processes++;
        }
      }
      // Combined (the launcher's default): the scheduler and the controllers run in the API server's JVM.
      int jvms = processes - (rss.containsKey("etcd") ? 1 : 0);
      long floor = rss.getOrDefault("etcd", 0L) + jvms * bareJvm;
      String layout = jvms == 1 ? "2 processes (scheduler, controllers in the API server's JVM)"
          : processes + " processes";
      rows.add(new Row(name(), "RSS of API server + scheduler + controllers + etcd, idle " + idle + " s (load average "
          + loadAverage() + ")",
          layout, Procs.mib(sum), "etcd + " + jvms + " bare JVM" + (jvms == 1 ? " " : "s ") + Procs.mib(floor),
          (double) floor / sum, "≤ 400 MB", sum <= 400_000_000L, Double.NaN, Double.NaN));
      for (Map.Entry<String, Long> e : rss.entrySet()) {
        rows.add(Row.info(name(), "  RSS " + e.getKey(), "idle " + idle + " s", Procs.mib(e.getValue())));
      }
      rows.add(Row.info(name(), "  RSS of one bare idle JVM (same heap flags)", "-", Procs.mib(bareJvm)));
    } finally {
      launcher(ctx, dir, env, "down");
      try {
        deleteTree(dir);
      } catch (IOException e) {
        System.out.println("    warning: could not remove " + dir + ": " + e);
      }
    }
    return rows;
  }

  /**
   * One {@code up} timed to the node's Ready condition, and the CPU time the components had used by then: on a shared
   * machine the wall time follows the load average, the CPU seconds much less.
   */
  private List<Row> up(BenchContext ctx, Path dir, Map<String, String> env, String what) throws Exception {
    String load = loadAverage();
    long t0 = System.nanoTime();
    External.Result r = launcher(ctx, dir, env, "up");
    if (r.exit() != 0) {
      throw new IllegalStateException("./quarkube --data-dir " + dir + " up failed (exit " + r.exit() + ")");
    }
    double upSecs = (System.nanoTime() - t0) / 1e9;
    BenchContext other = new BenchContext(ctx.repo(), dir, true);
    try (Api api = other.api()) {
      String node = awaitNodeReady(api, 120);
      double ready = (System.nanoTime() - t0) / 1e9;
      Map<String, Long> cpu = new LinkedHashMap<>();
      long cpuSum = 0;
      for (String c : BenchContext.COMPONENTS) {
        OptionalLong pid = Procs.pidFile(dir.resolve("run/" + c + ".pid"));
        long ticks = pid.isPresent() ? Procs.cpuTicks(pid.getAsLong()) : -1;
        if (ticks >= 0) {
          cpu.put(c, ticks);
          cpuSum += ticks;
        }
      }
      Row row = new Row(name(), "./quarkube up " + what + " → node Ready (load average " + load + ")",
          "node " + node, String.format("%.1f s", ready), "-", Double.NaN, "≤ 15 s (k3s ~50 s)", ready <= 15,
          Double.NaN, Double.NaN);
      StringBuilder each = new StringBuilder();
      cpu.forEach((c, t) -> each.append(each.length() > 0 ? " / " : "").append(c).append(' ')
          .append(String.format("%.1f", t / 100.0)));
      Row cpuRow = Row.info(name(), "  CPU seconds of the components by then: " + each, "-",
          String.format("%.1f s", cpuSum / 100.0));
      System.out.printf("    up returned after %.1f s; node Ready after %.1f s; steps: %s%n", upSecs, ready,
          steps(r.lines()));
      return List.of(row, cpuRow);
    }
  }

  /** The 1-minute load average (/proc/loadavg), "?" when unreadable. */
  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  /** "step seconds, ..." from the launcher's output (each step ends with "(1.2s, total 3.4s)"). */
  static String steps(List<String> lines) {
    StringBuilder sb = new StringBuilder();
    String step = null;
    for (String l : lines) {
      Matcher s = STEP.matcher(l);
      if (s.find()) {
        step = s.group(1).split(" ")[0];
        continue;
      }
      Matcher t = TOOK.matcher(l);
      if (step != null && t.find()) {
        sb.append(sb.length() > 0 ? ", " : "").append(step).append(' ').append(t.group(1));
        step = null;
      }
    }
    return sb.toString();
  }

  static String awaitNodeReady(Api api, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      for (JsonNode n : api.getJson("/api/v1/nodes").path("items")) {
        for (JsonNode c : n.path("status").path("conditions")) {
          if ("Ready".equals(c.path("type").asText()) && "True".equals(c.path("status").asText())) {
            return n.path("metadata").path("name").asText();
          }
        }
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("no node Ready " + seconds + " s after ./quarkube up");
  }

  private static External.Result launcher(BenchContext ctx, Path dir, Map<String, String> env, String cmd)
      throws Exception {
    return External.run(ctx.repo(), env, 10,
        List.of(ctx.repo().resolve("quarkube").toString(), "--data-dir", dir.toString(), cmd));
  }

  /**
   * The throwaway cluster's settings: its two ports; everything else derived by the launcher from them (node ports,
   * pod range from the folder's hash), so the caller's cluster settings (e.g. the test cluster's pod range) must not
   * leak in. The build is the checkout's as it is.
   */
  static Map<String, String> env(int api, int etcd) {
    Map<String, String> env = new HashMap<>();
    for (String k : System.getenv().keySet()) {
      if (k.startsWith("QUARKUBE_") && !k.equals("QUARKUBE_JAVA_OPTS") && !k.equals("QUARKUBE_JAVA_HEAP")) {
        env.put(k, null);
      }
    }
    env.put("QUARKUBE_API_PORT", Integer.toString(api));
    env.put("QUARKUBE_ETCD_PORT", Integer.toString(etcd));
    env.put("QUARKUBE_ETCD_PEER_PORT", Integer.toString(etcd + 1));
    env.put("QUARKUBE_SKIP_BUILD", "1");
    env.put("QUARKUBE_SKIP_INSTALL", "1");
    env.put("NO_COLOR", "1");
    return env;
  }

  static List<Integer> ports(int api, int etcd) {
    int offset = api - 6443;
    return List.of(api, etcd, etcd + 1, 5000 + offset, 10250 + offset, 10248 + offset, api + 3816, api + 3814,
        api + 3813, 10053 + offset);
  }

  static boolean free(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** RSS of a JVM with the components' heap setting that only sleeps: what any Java component costs at least. */
  static long bareJvmRss(Path java, BenchContext ctx) throws Exception {
    String cp = System.getProperty("java.class.path");
    Process p = new ProcessBuilder(java.toString(), "-Xmx" + System.getenv().getOrDefault("QUARKUBE_JAVA_HEAP", "1g"),
        "-cp", cp, Idle.class.getName()).redirectErrorStream(true).start();
    try {
      p.getInputStream().read(); // Idle prints one line once started
      Thread.sleep(1000);
      return Procs.rssBytes(p.pid());
    } finally {
      p.destroy();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
