package io.quarkube.proxy.bench;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.quarkube.proxy.nft.Nft;
import io.quarkube.proxy.rules.Fragment;
import io.quarkube.proxy.rules.RuleGenerator;
import io.quarkube.proxy.rules.RuleOptions;
import io.quarkube.proxy.rules.ServiceModel;
import io.quarkube.proxy.sync.ProxyTable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The service proxy benchmark: programmes N Services with 10 endpoints each (full sync), then changes one endpoint
 * of one Service at a time (incremental sync), and measures the first packet through a ClusterIP (a TCP connect:
 * SYN, DNAT by the table, SYN-ACK) against a connect to the endpoint itself. Runs the proxy's own code path
 * (Fabric8 Service + EndpointSlice → ServiceModel → RuleGenerator → RuleSync → {@code nft -f}) against the real
 * kernel.
 *
 * <p>Must run inside a network namespace of its own (its table, addresses and sockets are there): {@code proxy/bench.sh}
 * creates one and starts this main in it. Prints the figures and writes {@code bench-results/proxy.json}.
 */
public final class ProxyBenchmark {
  private static final int ENDPOINTS = 10;
  private static final int PORT = 8080;
  private static final String TABLE = "quarkube-proxy-bench";
  private static final RuleOptions OPTIONS = new RuleOptions(TABLE, Optional.of("10.64.0.0/10"), Optional.empty(),
      Optional.of("bench-node"));

  private ProxyBenchmark() {}

  record Result(int services, double fullMs, double incrementalMedianMs, double incrementalP90Ms, double nftNoopMs,
      double clusterIpConnectMedianUs, double directConnectMedianUs, int rules) {}

  public static void main(String[] args) throws Exception {
    if (System.getenv("QUARKUBE_BENCH_NETNS") == null) {
      System.err.println("run through proxy/bench.sh: the benchmark needs a network namespace of its own");
      System.exit(2);
    }
    int[] sizes = args.length == 0 ? new int[] {1_000, 3_000, 10_000}
        : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
    int changes = Integer.getInteger("changes", 30);
    Nft nft = new Nft(List.of("nft"));
    run("ip", "link", "set", "lo", "up");
    // Service 0's endpoints are real: addresses on loopback and one server answering on all of them.
    for (int e = 0; e < ENDPOINTS; e++) {
      run("ip", "addr", "add", endpointIp(0, e) + "/32", "dev", "lo");
    }
    run("ip", "route", "add", "10.96.0.0/12", "dev", "lo");
    ServerSocket server = new ServerSocket();
    server.bind(new InetSocketAddress("0.0.0.0", PORT), 1024);
    Thread acceptor = new Thread(() -> {
      while (!server.isClosed()) {
        try (Socket s = server.accept()) {
          s.getInputStream().read(); // until the client closes: the server never resets a connect in flight
        } catch (IOException e) {
          // closed
        }
      }
    }, "bench-server");
    acceptor.setDaemon(true);
    acceptor.start();

    List<Result> results = new ArrayList<>();
    System.out.printf(Locale.ROOT, "%-9s %10s %12s %12s %12s %14s %14s %9s%n", "services", "full ms", "incr p50 ms",
        "incr p90 ms", "nft no-op ms", "ClusterIP µs", "direct µs", "rules");
    for (int n : sizes) {
      Result r = measure(nft, n, changes);
      results.add(r);
      System.out.printf(Locale.ROOT, "%-9d %10.0f %12.1f %12.1f %12.1f %14.0f %14.0f %9d%n", r.services(),
          r.fullMs(), r.incrementalMedianMs(), r.incrementalP90Ms(), r.nftNoopMs(), r.clusterIpConnectMedianUs(), r.directConnectMedianUs(),
          r.rules());
    }
    server.close();
    Result first = results.get(0);
    Result last = results.get(results.size() - 1);
    System.out.printf(Locale.ROOT, "incremental sync at %d services / at %d: %.2f× (flat = 1); first packet through a "
        + "ClusterIP at %d / at %d: %.2f×%n", last.services(), first.services(),
        last.incrementalMedianMs() / first.incrementalMedianMs(), last.services(), first.services(),
        last.clusterIpConnectMedianUs() / first.clusterIpConnectMedianUs());
    writeJson(results, changes);
  }

  private static Result measure(Nft nft, int n, int changes) throws IOException, InterruptedException {
    ProxyTable table = new ProxyTable(nft, OPTIONS);
    table.clean();
    Map<String, Fragment> all = new HashMap<>();
    for (int s = 0; s < n; s++) {
      all.put("bench/s" + s, fragment(s, 0));
    }
    long t0 = System.nanoTime();
    table.full(all);
    double fullMs = (System.nanoTime() - t0) / 1e6;
    // Incremental: one endpoint of one Service changes (its IP moves), as the proxy sees it from the informers.
    // Two unmeasured rounds first (JIT, and the kernel settling after the big transaction).
    for (int w = 0; w < 2; w++) {
      table.incremental(Map.of("bench/s" + (n - 1), fragment(n - 1, 1000 + w)));
    }
    double[] incr = new double[changes];
    for (int i = 0; i < changes; i++) {
      int s = 1 + (i * 7919) % Math.max(1, n - 1);
      long t1 = System.nanoTime();
      Fragment f = fragment(s, i + 1);
      table.incremental(Map.of("bench/s" + s, f));
      incr[i] = (System.nanoTime() - t1) / 1e6;
      if (Boolean.getBoolean("debug")) {
        System.err.printf(Locale.ROOT, "incremental %.1f ms, of which nft %.1f ms%n", incr[i], table.lastNftNanos() / 1e6);
      }
    }
    Arrays.sort(incr);
    // What any nft transaction costs here (process start, netlink), for reading the incremental figure.
    double[] noop = new double[changes];
    for (int i = 0; i < changes; i++) {
      long t2 = System.nanoTime();
      nft.apply("add table ip " + TABLE + "\n");
      noop[i] = (System.nanoTime() - t2) / 1e6;
    }
    Arrays.sort(noop);
    double direct = connectMedianMicros(endpointIp(0, 0), PORT);
    if (Boolean.getBoolean("debug")) {
      run("sh", "-c", "nft list table ip " + TABLE + " | head -150 >&2; ip addr >&2; ip route >&2");
    }
    double viaClusterIp = connectMedianMicros(clusterIp(0), 80);
    int rules = table.size();
    table.remove();
    return new Result(n, fullMs, incr[incr.length / 2], incr[(int) Math.min(incr.length - 1, incr.length * 0.9)],
        noop[noop.length / 2], viaClusterIp, direct, rules);
  }

  /** Service s in the proxy's own model path; {@code generation} moves its first endpoint to another IP. */
  private static Fragment fragment(int s, int generation) {
    Service svc = new ServiceBuilder().withNewMetadata().withNamespace("bench").withName("s" + s).endMetadata()
        .withNewSpec().withClusterIP(clusterIp(s)).addNewPort().withName("http").withProtocol("TCP").withPort(80)
        .endPort().endSpec().build();
    EndpointSliceBuilder slice = new EndpointSliceBuilder().withNewMetadata().withNamespace("bench")
        .withName("s" + s + "-abc").addToLabels(ServiceModel.SERVICE_NAME_LABEL, "s" + s).endMetadata()
        .withAddressType("IPv4").addNewPort().withName("http").withProtocol("TCP").withPort(PORT).endPort();
    for (int e = 0; e < ENDPOINTS; e++) {
      String ip = e == 0 && generation > 0 ? "10.127." + (generation % 250) + "." + (1 + s % 250) : endpointIp(s, e);
      slice.addNewEndpoint().withAddresses(ip).withNewConditions().withReady(true).endConditions()
          .withNodeName("bench-node").endEndpoint();
    }
    List<EndpointSlice> slices = List.of(slice.build());
    return RuleGenerator.fragment(ServiceModel.build(List.of(svc), slices, Set.of()), OPTIONS);
  }

  private static String clusterIp(int s) {
    return "10.96." + (s / 250) + "." + (1 + s % 250);
  }

  private static String endpointIp(int s, int e) {
    int n = s * ENDPOINTS + e;
    return "10.64." + (n / 250 % 250) + "." + (1 + n % 250);
  }

  private static double connectMedianMicros(String ip, int port) throws IOException {
    int rounds = 200;
    double[] us = new double[rounds];
    for (int i = 0; i < rounds; i++) {
      try (Socket s = new Socket()) {
        long t0 = System.nanoTime();
        s.connect(new InetSocketAddress(ip, port), 3000);
        us[i] = (System.nanoTime() - t0) / 1e3;
        s.setSoLinger(true, 0);
      }
    }
    Arrays.sort(us);
    return us[rounds / 2];
  }

  private static void run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + out);
    }
  }

  private static void writeJson(List<Result> results, int changes) throws IOException {
    StringBuilder json = new StringBuilder("{\n  \"benchmark\": \"proxy\",\n  \"endpointsPerService\": " + ENDPOINTS
        + ",\n  \"incrementalChangesPerSize\": " + changes + ",\n  \"results\": [\n");
    for (int i = 0; i < results.size(); i++) {
      Result r = results.get(i);
      json.append(String.format(Locale.ROOT, "    {\"services\": %d, \"fullSyncMs\": %.1f, \"incrementalSyncMedianMs\": "
          + "%.2f, \"incrementalSyncP90Ms\": %.2f, \"nftNoopTransactionMedianMs\": %.2f, "
          + "\"clusterIpFirstPacketMedianUs\": %.0f, "
          + "\"directFirstPacketMedianUs\": %.0f, \"rulesAndElements\": %d}%s%n", r.services(), r.fullMs(),
          r.incrementalMedianMs(), r.incrementalP90Ms(), r.nftNoopMs(), r.clusterIpConnectMedianUs(),
          r.directConnectMedianUs(), r.rules(), i < results.size() - 1 ? "," : ""));
    }
    json.append(String.format(Locale.ROOT, "  ],%n  \"loadAverage1m\": %.1f,%n  \"cpus\": %d%n}%n",
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        Runtime.getRuntime().availableProcessors()));
    Path out = Path.of("bench-results", "proxy.json");
    Files.createDirectories(out.getParent());
    Files.writeString(out, json);
    System.out.println("wrote " + out.toAbsolutePath());
  }
}
