package io.quarkube.bench;

import io.fabric8.kubernetes.client.Config;
import io.quarkube.client.KubeClients;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import javax.net.ssl.SSLContext;

/**
 * What every benchmark needs to know about the cluster under test: its state folder (PID files, PKI, saved ports),
 * its admin kubeconfig, the checkout (for the launcher and other modules), and whether this is a quick run.
 */
public final class BenchContext {
  private final Path repo;
  private final Path state;
  private final boolean quick;
  private final String limitEtcd;
  private final Config config;
  private final SSLContext tls;
  private final String caPem;
  private final String clientCertPem;
  private final String clientKeyPem;
  private final Map<String, String> ports;
  private java.util.Set<String> later = java.util.Set.of();

  public BenchContext(Path repo, Path state, boolean quick) throws Exception {
    this(repo, state, quick, null);
  }

  /** {@code limitEtcd}: endpoint of an empty etcd for the raw-put limits ({@link #limitEtcd()}), or null. */
  public BenchContext(Path repo, Path state, boolean quick, String limitEtcd) throws Exception {
    this.repo = repo;
    this.state = state;
    this.quick = quick;
    this.limitEtcd = limitEtcd;
    Path kubeconfig = state.resolve("admin.kubeconfig");
    if (!Files.isRegularFile(kubeconfig)) {
      throw new IllegalStateException("no " + kubeconfig + ": is the cluster up? (./quarkube up)");
    }
    this.config = KubeClients.config(kubeconfig);
    this.caPem = KubeClients.caCertificatePem(config);
    this.clientCertPem = pem(config.getClientCertData());
    this.clientKeyPem = pem(config.getClientKeyData());
    this.tls = Tls.context(caPem, clientCertPem, clientKeyPem);
    this.ports = readPorts(state.resolve("run/ports"));
  }

  private static String pem(String base64) {
    return base64 == null ? null : new String(Base64.getMimeDecoder().decode(base64), StandardCharsets.UTF_8);
  }

  private static Map<String, String> readPorts(Path file) throws IOException {
    Map<String, String> m = new HashMap<>();
    if (Files.isRegularFile(file)) {
      for (String line : Files.readAllLines(file)) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          m.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
        }
      }
    }
    return m;
  }

  public Path repo() {
    return repo;
  }

  public Path state() {
    return state;
  }

  public boolean quick() {
    return quick;
  }

  /** Records which benchmarks still run after the current one (they may reuse what it made). */
  void later(java.util.Collection<String> names) {
    later = java.util.Set.copyOf(names);
  }

  /** Whether the named benchmark runs later in this run. */
  public boolean willRun(String benchmark) {
    return later.contains(benchmark);
  }

  /** Full-run value or quick-run value. */
  public int pick(int full, int quickValue) {
    return quick ? quickValue : full;
  }

  public Config config() {
    return config;
  }

  public SSLContext tls() {
    return tls;
  }

  /** The same trust and client certificate as {@link #tls()}, as PEM, for clients that take PEM (Vert.x). */
  public String caPem() {
    return caPem;
  }

  public String clientCertPem() {
    return clientCertPem;
  }

  public String clientKeyPem() {
    return clientKeyPem;
  }

  public String apiUrl() {
    return config.getMasterUrl();
  }

  public Api api() {
    return new Api(apiUrl(), tls);
  }

  public int apiPort() {
    return Integer.parseInt(ports.getOrDefault("API_PORT", String.valueOf(java.net.URI.create(apiUrl()).getPort())));
  }

  public int etcdPort() {
    String p = ports.get("ETCD_PORT");
    if (p == null) {
      throw new IllegalStateException("no ETCD_PORT in " + state.resolve("run/ports"));
    }
    return Integer.parseInt(p);
  }

  public String etcdEndpoint() {
    return "http://127.0.0.1:" + etcdPort();
  }

  /** A jetcd client of the cluster's etcd; answers of any size (a range of 10,000 pods is well above 4 MiB). */
  public io.etcd.jetcd.Client etcd() {
    return io.etcd.jetcd.Client.builder().endpoints(etcdEndpoint()).maxInboundMessageSize(Integer.MAX_VALUE).build();
  }

  /**
   * A jetcd client for raw etcd writes that stand for a physical limit: the launcher's etcd of the benchmarks' own
   * (same binary, flags and file system as the cluster's) when it started one, else the cluster's. Hundreds of
   * thousands of raw puts left in the cluster's etcd until its next compaction made the API server's later creates
   * several times slower, so they would measure the benchmark's own leftovers.
   */
  public io.etcd.jetcd.Client limitEtcd() {
    return limitEtcd == null ? etcd() : io.etcd.jetcd.Client.builder().endpoints(limitEtcd).build();
  }

  /** The endpoint {@link #limitEtcd()} connects to, for a benchmark run as a process of its own. */
  public String limitEtcdEndpoint() {
    return limitEtcd == null ? etcdEndpoint() : limitEtcd;
  }

  /** Where {@link #limitEtcd()} writes, for the report. */
  public String limitEtcdName() {
    return limitEtcd == null ? "the cluster's etcd" : "an empty etcd of the benchmark's own (" + limitEtcd + ")";
  }

  /** The PID of a component of this cluster from its PID file, if it runs. */
  public OptionalLong pid(String component) {
    return Procs.pidFile(state.resolve("run/" + component + ".pid"));
  }

  /** The components the launcher may have started, in its order. */
  public static final List<String> COMPONENTS =
      List.of("etcd", "registry", "containerd", "api-server", "scheduler", "controllers", "kubelet", "proxy");
}
