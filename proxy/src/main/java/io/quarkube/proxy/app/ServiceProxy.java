package io.quarkube.proxy.app;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkube.client.controller.SharedInformers;
import io.quarkube.client.KubeClients;
import io.quarkube.proxy.dns.ClusterView;
import io.quarkube.proxy.dns.DnsAnswerer;
import io.quarkube.proxy.dns.DnsForwarder;
import io.quarkube.proxy.dns.DnsServer;
import io.quarkube.proxy.nft.Nft;
import io.quarkube.proxy.rules.Fragment;
import io.quarkube.proxy.rules.LocalRedirect;
import io.quarkube.proxy.rules.RuleGenerator;
import io.quarkube.proxy.rules.RuleOptions;
import io.quarkube.proxy.rules.ServiceModel;
import io.quarkube.proxy.sync.BoundedFrequencyRunner;
import io.quarkube.proxy.sync.ProxyTable;
import io.quarkube.proxy.sync.RuleSync;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.xbill.DNS.Message;

/**
 * The proxy's life (upstream's kube-proxy in nftables mode, with cluster DNS in the same process): informers on
 * Services and EndpointSlices; every change notes its Service and asks the {@link BoundedFrequencyRunner} for a
 * sync (at most one per min-sync-period, at least one per sync-period). A sync rewrites only the noted Services'
 * elements and chains ({@link RuleSync}), in one nft transaction; every sync-period it is a full one that repairs
 * whatever someone else changed in the table. Its own table is removed on start (stale rules of an earlier run) and
 * on shutdown. The DNS server answers from the same caches; the {@code kube-system/kube-dns} Service with
 * the fixed DNS ClusterIP is created if missing, and its IP redirected to the DNS server's port on this host.
 */
@ApplicationScoped
public class ServiceProxy {
  private static final Logger LOG = Logger.getLogger(ServiceProxy.class);

  @ConfigProperty(name = "quarkube.proxy.enabled", defaultValue = "true")
  boolean enabled;
  @ConfigProperty(name = "quarkube.proxy.table", defaultValue = "quarkube-proxy")
  String table;
  @ConfigProperty(name = "quarkube.proxy.pod-cidr")
  Optional<String> podCidr;
  @ConfigProperty(name = "quarkube.proxy.pod-interface")
  Optional<String> podInterface;
  /**
   * The ClusterIP range (the API server's --service-cluster-ip-range, 10.96.0.0/12 by default): its unallocated
   * addresses are dropped. "none": not checked.
   */
  @ConfigProperty(name = "quarkube.proxy.service-cidr", defaultValue = "10.96.0.0/12")
  String serviceCidr;
  /** This node, for the Local traffic policies; default: the host name, as the kubelet names its Node. */
  @ConfigProperty(name = "quarkube.proxy.node-name")
  Optional<String> nodeName;
  @ConfigProperty(name = "quarkube.proxy.min-sync-period", defaultValue = "250ms")
  Duration minSyncPeriod;
  @ConfigProperty(name = "quarkube.proxy.sync-period", defaultValue = "30s")
  Duration syncPeriod;
  @ConfigProperty(name = "quarkube.proxy.nft-command", defaultValue = "nft")
  List<String> nftCommand;
  @ConfigProperty(name = "quarkube.dns.enabled", defaultValue = "true")
  boolean dnsEnabled;
  @ConfigProperty(name = "quarkube.dns.service-ip", defaultValue = "10.96.0.10")
  String dnsServiceIp;
  @ConfigProperty(name = "quarkube.dns.port", defaultValue = "10053")
  int dnsPort;
  @ConfigProperty(name = "quarkube.dns.bind-address", defaultValue = "0.0.0.0")
  String dnsBind;
  @ConfigProperty(name = "quarkube.dns.domain", defaultValue = "cluster.local")
  String dnsDomain;
  @ConfigProperty(name = "quarkube.dns.ttl", defaultValue = "5")
  long dnsTtl;
  /**
   * host[:port] of a resolver for names outside the cluster domain, or "resolv.conf" for the host's own; unset (the
   * default) or "none": they are refused.
   */
  @ConfigProperty(name = "quarkube.dns.upstream")
  Optional<String> dnsUpstream;

  @Inject
  MeterRegistry meters;

  private KubernetesClient client;
  private SharedIndexInformer<Service> services;
  private SharedIndexInformer<EndpointSlice> slices;
  /** This node's Node object: its addresses are where NodePorts answer. */
  private SharedIndexInformer<Node> node;
  private BoundedFrequencyRunner runner;
  private Nft nft;
  private DnsServer dns;
  private Timer syncTimer;
  private Timer fullSyncTimer;
  private Timer partialSyncTimer;
  private ProxyTable ruleTable;
  private final Set<String> dirty = ConcurrentHashMap.newKeySet();
  private volatile long lastFullNanos;
  private volatile boolean started;
  private volatile boolean synced;
  private volatile long lastSyncMillis;
  /** When a Service or EndpointSlice last changed: the cluster DNS zone's SOA serial. */
  private volatile long lastModifiedSeconds = System.currentTimeMillis() / 1000;
  private volatile int rulesCount;
  private volatile String lastError;
  private Thread starter;

  void onStart(@Observes StartupEvent event) {
    if (!enabled) {
      return;
    }
    nft = new Nft(nftCommand);
    syncTimer = Timer.builder("kubeproxy.sync.proxy.rules.duration")
        .description("SyncProxyRules latency: generating and applying the proxy's nftables table")
        .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5))
        .register(meters);
    fullSyncTimer = histogram("kubeproxy.sync.full.proxy.rules.duration",
        "Full syncs: every object of the table declared, flushed and refilled");
    partialSyncTimer = histogram("kubeproxy.sync.partial.proxy.rules.duration",
        "Incremental syncs: only the elements and chains of the Services that changed");
    ruleTable = new ProxyTable(nft, ruleOptions());
    Gauge.builder("kubeproxy.sync.proxy.rules.nftables.rules", () -> rulesCount)
        .description("Rules and verdict-map elements in the proxy's table after the last sync").register(meters);
    Gauge.builder("kubeproxy.sync.proxy.rules.last.timestamp.seconds", () -> lastSyncMillis / 1000.0)
        .description("When the last successful sync finished").register(meters);
    checkBridgeNetfilter();
    // Whatever an earlier run left (a crash skips the shutdown cleanup) goes first.
    ruleTable.clean();
    client = KubeClients.fromSystemProperty();
    long resync = TimeUnit.MINUTES.toMillis(10);
    services = SharedInformers.retrying(client.services().inAnyNamespace().runnableInformer(resync), "Service");
    services.addEventHandler(new Changes<>(ServiceProxy::serviceKey));
    slices = SharedInformers.retrying(client.discovery().v1().endpointSlices().inAnyNamespace()
        .runnableInformer(resync), "EndpointSlice");
    slices.addIndexers(Map.of(BY_SERVICE, s -> {
      String key = sliceServiceKey(s);
      return key == null ? List.of() : List.of(key);
    }));
    slices.addEventHandler(new Changes<>(ServiceProxy::sliceServiceKey));
    node = SharedInformers.retrying(client.nodes().withField("metadata.name", nodeName()).runnableInformer(resync),
        "Node");
    // Its addresses matter, not its heartbeats: a sync finds nothing else to do (and the DNS serial stays).
    node.addEventHandler(new ResourceEventHandler<Node>() {
      @Override
      public void onAdd(Node obj) {
        requestSync();
      }

      @Override
      public void onUpdate(Node oldObj, Node newObj) {
        requestSync();
      }

      @Override
      public void onDelete(Node obj, boolean deletedFinalStateUnknown) {
        requestSync();
      }
    });
    services.start();
    slices.start();
    node.start();
    runner = new BoundedFrequencyRunner("proxy-sync", this::sync, minSyncPeriod, syncPeriod);
    starter = new Thread(this::startWhenSynced, "proxy-start");
    starter.setDaemon(true);
    starter.start();
  }

  private static final String BY_SERVICE = "service";

  private static String serviceKey(Service s) {
    return s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
  }

  private static String sliceServiceKey(EndpointSlice s) {
    String svc = s.getMetadata().getLabels() == null ? null
        : s.getMetadata().getLabels().get(ServiceModel.SERVICE_NAME_LABEL);
    return svc == null ? null : s.getMetadata().getNamespace() + "/" + svc;
  }

  /** Informer events only note which Service changed and ask for a sync (upstream's change trackers). */
  private final class Changes<T> implements ResourceEventHandler<T> {
    private final java.util.function.Function<T, String> key;

    Changes(java.util.function.Function<T, String> key) {
      this.key = key;
    }

    private void changed(T obj) {
      lastModifiedSeconds = System.currentTimeMillis() / 1000;
      String k = obj == null ? null : key.apply(obj);
      if (k != null) {
        dirty.add(k);
      }
      requestSync();
    }

    @Override
    public void onAdd(T obj) {
      changed(obj);
    }

    @Override
    public void onUpdate(T oldObj, T newObj) {
      changed(oldObj);
      changed(newObj);
    }

    @Override
    public void onDelete(T obj, boolean deletedFinalStateUnknown) {
      changed(obj);
    }
  }

  /** Rules are written only from complete caches (a partial list would drop rules of services not seen yet). */
  private void startWhenSynced() {
    try {
      services.hasSynced();
      while (!(services.hasSynced() && slices.hasSynced())) {
        Thread.sleep(50);
      }
      if (dnsEnabled) {
        startDns();
      }
      started = true;
      runner.start();
      if (dnsEnabled) {
        ensureDnsService();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | IOException e) {
      lastError = e.getMessage();
      LOG.errorf(e, "the proxy could not start");
    }
  }

  private void requestSync() {
    if (started) {
      runner.request();
    }
  }

  /**
   * One sync: incremental (only the Services noted since the last one) while the table's state is known, full at
   * start, every sync-period (repairs what someone else changed) and after a failed transaction.
   */
  void sync() {
    long t0 = System.nanoTime();
    boolean full = !ruleTable.known() || System.nanoTime() - lastFullNanos >= syncPeriod.toNanos() - minSyncPeriod.toNanos();
    Set<String> changed = new HashSet<>();
    for (var it = dirty.iterator(); it.hasNext(); ) {
      changed.add(it.next());
      it.remove();
    }
    List<LocalRedirect> redirects = redirects();
    Set<String> skip = new HashSet<>();
    for (LocalRedirect r : redirects) {
      skip.add(r.ip() + " . " + r.protocol() + " . " + r.port());
    }
    RuleOptions options = ruleOptions();
    RuleSync.Plan plan;
    try {
      plan = full ? fullPlan(redirects, skip, options) : incrementalPlan(changed, redirects, skip, options);
      lastError = null;
    } catch (RuntimeException e) {
      lastError = e.getMessage();
      dirty.addAll(changed); // the failed sync's Services are written by the next (full) one
      throw e;
    }
    long took = System.nanoTime() - t0;
    syncTimer.record(took, TimeUnit.NANOSECONDS);
    (full ? fullSyncTimer : partialSyncTimer).record(took, TimeUnit.NANOSECONDS);
    if (full) {
      lastFullNanos = t0;
    }
    rulesCount = ruleTable.size();
    lastSyncMillis = System.currentTimeMillis();
    if (full || !plan.empty()) {
      LOG.debugf("%s sync: %d services, %d rules and elements, %d script lines in %.1f ms", full ? "full" : "partial",
          ruleTable.services(), rulesCount, plan.script().lines().count(), took / 1e6);
    }
    synced = true;
  }

  private RuleSync.Plan fullPlan(List<LocalRedirect> redirects, Set<String> skip, RuleOptions options) {
    Map<String, Fragment> desired = new HashMap<>();
    desired.put("", RuleGenerator.redirects(redirects));
    desired.put(NODE_KEY, RuleGenerator.nodePortAddresses(nodeIps()));
    for (Service svc : services.getStore().list()) {
      String key = serviceKey(svc);
      desired.put(key, fragment(key, svc, skip, options));
    }
    return ruleTable.full(desired);
  }

  private RuleSync.Plan incrementalPlan(Set<String> changed, List<LocalRedirect> redirects, Set<String> skip,
      RuleOptions options) {
    Map<String, Fragment> fragments = new HashMap<>();
    Fragment dns = RuleGenerator.redirects(redirects);
    if (!ruleTable.unchanged("", dns)) {
      fragments.put("", dns);
    }
    Fragment nodeAddresses = RuleGenerator.nodePortAddresses(nodeIps());
    if (!ruleTable.unchanged(NODE_KEY, nodeAddresses)) {
      fragments.put(NODE_KEY, nodeAddresses);
    }
    for (String key : changed) {
      Fragment f = fragment(key, services.getStore().getByKey(key), skip, options);
      if (!ruleTable.unchanged(key, f)) {
        fragments.put(key, f);
      }
    }
    return ruleTable.incremental(fragments);
  }

  /** The fragment key of the node's addresses (no Service key is without a slash). */
  private static final String NODE_KEY = "node";

  /**
   * This node's primary IPv4 address (upstream's --nodeport-addresses primary): its first InternalIP, else its first
   * ExternalIP; none while the Node is not registered (NodePorts answer once it is).
   */
  private List<String> nodeIps() {
    List<Node> nodes = node == null ? List.of() : node.getStore().list();
    for (String type : List.of("InternalIP", "ExternalIP")) {
      for (Node n : nodes) {
        if (n.getStatus() == null || n.getStatus().getAddresses() == null) {
          continue;
        }
        for (NodeAddress a : n.getStatus().getAddresses()) {
          if (type.equals(a.getType()) && a.getAddress() != null && a.getAddress().matches("[0-9.]+")) {
            return List.of(a.getAddress());
          }
        }
      }
    }
    return List.of();
  }

  private Fragment fragment(String key, Service svc, Set<String> skip, RuleOptions options) {
    if (svc == null) {
      return Fragment.EMPTY;
    }
    List<EndpointSlice> mine = slices.getIndexer().byIndex(BY_SERVICE, key);
    return RuleGenerator.fragment(ServiceModel.build(List.of(svc), mine, skip), options);
  }

  private RuleOptions ruleOptions() {
    return new RuleOptions(table, podCidr, podInterface, Optional.of(nodeName()),
        serviceCidr.isBlank() || serviceCidr.equals("none") ? Optional.empty() : Optional.of(serviceCidr));
  }

  private String nodeName() {
    if (nodeName.isPresent() && !nodeName.get().isBlank()) {
      return nodeName.get();
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostName().toLowerCase(java.util.Locale.ROOT);
    } catch (IOException e) {
      return "localhost";
    }
  }

  private Timer histogram(String name, String description) {
    return Timer.builder(name).description(description)
        .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5))
        .register(meters);
  }

  private List<LocalRedirect> redirects() {
    if (!dnsEnabled) {
      return List.of();
    }
    int port = dns == null ? dnsPort : dns.port();
    return List.of(new LocalRedirect(dnsServiceIp, "udp", 53, port), new LocalRedirect(dnsServiceIp, "tcp", 53, port));
  }

  private void startDns() throws IOException {
    Optional<String> upstreamAddress = dnsUpstream.flatMap(u -> DnsForwarder.resolve(u, Path.of("/etc/resolv.conf")));
    Optional<UnaryOperator<Message>> upstream = upstreamAddress.map(DnsForwarder::to);
    ClusterView view = new ClusterView() {
      @Override
      public Service service(String namespace, String name) {
        return services.getStore().getByKey(namespace + "/" + name);
      }

      @Override
      public List<EndpointSlice> slices(String namespace, String service) {
        List<EndpointSlice> result = new ArrayList<>();
        for (EndpointSlice s : slices.getStore().list()) {
          if (namespace.equals(s.getMetadata().getNamespace()) && s.getMetadata().getLabels() != null
              && service.equals(s.getMetadata().getLabels().get(ServiceModel.SERVICE_NAME_LABEL))) {
            result.add(s);
          }
        }
        return result;
      }

      @Override
      public Collection<Service> services() {
        return services.getStore().list();
      }

      @Override
      public long lastModifiedSeconds() {
        return lastModifiedSeconds;
      }
    };
    dns = new DnsServer(new DnsAnswerer(view, dnsDomain, dnsTtl, upstream), dnsBind, dnsPort);
    dns.start();
    Gauge.builder("quarkube.dns.queries", dns, DnsServer::queries).description("DNS queries received")
        .register(meters);
    LOG.infof("cluster DNS on %s:%d (udp, tcp) for %s, service IP %s; other names: %s", dnsBind, dns.port(),
        dnsDomain, dnsServiceIp, upstream.isPresent() ? "forwarded to " + upstreamAddress.get() : "refused");
  }

  /**
   * kube-system/kube-dns with the fixed DNS ClusterIP: {@code ./quarkube up} creates it with the admin identity (as
   * kubeadm's DNS addon does; system:kube-proxy may only list and watch Services). The proxy tries once itself in case
   * its identity may, and otherwise only says what is wrong; its rules redirect the DNS IP either way.
   */
  private void ensureDnsService() {
    Service existing = services.getStore().getByKey("kube-system/kube-dns");
    if (existing != null) {
      if (!dnsServiceIp.equals(existing.getSpec().getClusterIP())) {
        LOG.warnf("Service kube-system/kube-dns has clusterIP %s, not %s (what pods are told)",
            existing.getSpec().getClusterIP(), dnsServiceIp);
      }
      return;
    }
    Service wanted = new ServiceBuilder().withNewMetadata().withName("kube-dns").withNamespace("kube-system")
        .addToLabels("k8s-app", "kube-dns").addToLabels("kubernetes.io/name", "QuarkubeDNS")
        .addToLabels("kubernetes.io/cluster-service", "true").endMetadata()
        .withNewSpec().withClusterIP(dnsServiceIp)
        .addNewPort().withName("dns").withProtocol("UDP").withPort(53).withNewTargetPort(53).endPort()
        .addNewPort().withName("dns-tcp").withProtocol("TCP").withPort(53).withNewTargetPort(53).endPort()
        .endSpec().build();
    try {
      client.resource(wanted).create();
      LOG.infof("created Service kube-system/kube-dns with clusterIP %s", dnsServiceIp);
    } catch (KubernetesClientException e) {
      LOG.infof("Service kube-system/kube-dns is not there yet and this identity cannot create it (HTTP %d); "
          + "./quarkube up creates it", e.getCode());
    }
  }

  /** Pod-to-service-to-pod on one bridge needs bridged packets to pass netfilter (upstream needs the same). */
  private void checkBridgeNetfilter() {
    Path sysctl = Path.of("/proc/sys/net/bridge/bridge-nf-call-iptables");
    try {
      if (!Files.exists(sysctl) || !Files.readString(sysctl).trim().equals("1")) {
        LOG.warn("net.bridge.bridge-nf-call-iptables is not 1: a pod reaching a service whose endpoint is on the "
            + "same bridge gets replies it cannot match (load br_netfilter and set the sysctl)");
      }
    } catch (IOException e) {
      LOG.debugf("cannot read %s: %s", sysctl, e.getMessage());
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    if (!enabled) {
      return;
    }
    boolean wasStarted = started;
    started = false;
    if (starter != null) {
      starter.interrupt();
    }
    if (runner != null) {
      runner.stop();
    }
    if (services != null) {
      services.stop();
    }
    if (slices != null) {
      slices.stop();
    }
    if (node != null) {
      node.stop();
    }
    if (dns != null) {
      dns.close();
    }
    try {
      ruleTable.remove();
      LOG.infof("removed table ip %s%s", table, wasStarted ? "" : " (never synced)");
    } catch (RuntimeException e) {
      LOG.errorf("could not remove table ip %s: %s", table, e.getMessage());
    }
    if (client != null) {
      client.close();
    }
  }

  public boolean started() {
    return started;
  }

  public boolean synced() {
    return synced;
  }

  public long lastSyncMillis() {
    return lastSyncMillis;
  }

  public String lastError() {
    return lastError;
  }

  public Duration syncPeriod() {
    return syncPeriod;
  }
}
