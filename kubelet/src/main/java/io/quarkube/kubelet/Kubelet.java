package io.quarkube.kubelet;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.k8s.cri.runtime.v1.VersionResponse;
import io.quarkube.client.KubeClients;
import io.quarkube.client.events.ApiEventRecorder;
import io.quarkube.kubelet.cgroups.PodCgroups;
import io.quarkube.kubelet.config.KubeletConfig;
import io.quarkube.kubelet.cri.CriClient;
import io.quarkube.kubelet.images.ImageManager;
import io.quarkube.kubelet.node.CsiNodeRegistration;
import io.quarkube.kubelet.node.LeaseHeartbeat;
import io.quarkube.kubelet.node.NodeFactsProvider;
import io.quarkube.kubelet.node.NodeStatusManager;
import io.quarkube.kubelet.objects.PodObjects;
import io.quarkube.kubelet.pod.CrashBackoff;
import io.quarkube.kubelet.pod.PodSource;
import io.quarkube.kubelet.pod.PodSyncer;
import io.quarkube.kubelet.pod.PodWorkers;
import io.quarkube.kubelet.pod.Relister;
import io.quarkube.kubelet.probes.ProbeManager;
import io.quarkube.kubelet.probes.ProbeRunner;
import io.quarkube.kubelet.runtime.EnvResolver;
import io.quarkube.kubelet.runtime.PodDirs;
import io.quarkube.kubelet.runtime.RuntimeClassHandlers;
import io.quarkube.kubelet.runtime.RuntimeInspector;
import io.quarkube.kubelet.runtime.SandboxConfigs;
import io.quarkube.kubelet.runtime.ServiceSource;
import io.quarkube.kubelet.staticpods.MirrorPods;
import io.quarkube.kubelet.stats.NodeStats;
import io.quarkube.kubelet.staticpods.StaticPodManifests;
import io.quarkube.kubelet.staticpods.StaticPodSource;
import io.quarkube.kubelet.volumes.VolumeManager;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The kubelet: wires the parts together at startup and runs the periodic loops (relist, node status, lease).
 * Everything it learns from the cluster comes from the API server; everything it does to containers goes through
 * containerd's CRI. Stopping the kubelet leaves pods running; a new kubelet adopts them.
 */
@ApplicationScoped
public class Kubelet {
  private static final Logger LOG = Logger.getLogger(Kubelet.class);

  @Inject
  KubeletConfig config;

  @Inject
  io.micrometer.core.instrument.MeterRegistry meters;

  private volatile boolean started;
  private String nodeName;
  private KubernetesClient client;
  private CriClient cri;
  private ApiEventRecorder events;
  private ScheduledExecutorService loops;
  private ExecutorService stopper;
  private PodSource pods;
  private PodWorkers workers;
  private Relister relister;
  private NodeStatusManager nodeStatus;
  private LeaseHeartbeat lease;
  private PodDirs dirs;
  private StaticPodSource statics;
  private NodeStats nodeStats;
  private MirrorPods mirrors;
  private ServiceSource services;
  private PodObjects objects;
  private RuntimeClassHandlers runtimeClasses;

  void onStart(@Observes StartupEvent event) {
    if (Boolean.getBoolean("quarkube.kubelet.disabled")) {
      return; // tests of single parts start the application without a cluster
    }
    nodeName = config.nodeName().orElseGet(Kubelet::hostname).toLowerCase(Locale.ROOT);
    client = KubeClients.fromSystemProperty();
    cri = CriClient.connect(Path.of(config.containerdSocket()));
    VersionResponse version = awaitRuntime();
    String runtimeVersion = version.getRuntimeName() + "://" + version.getRuntimeVersion().replaceFirst("~.*", "");
    LOG.infof("node %s, runtime %s (CRI %s) at %s", nodeName, runtimeVersion, version.getRuntimeApiVersion(),
        config.containerdSocket());
    events = new ApiEventRecorder(client, "kubelet", nodeName);
    dirs = new PodDirs(Path.of(config.rootDir()));
    NodeFactsProvider facts = new NodeFactsProvider(dirs.root(), config.maxPods());
    String hostIp = facts.internalIp();
    loops = Executors.newScheduledThreadPool(4, daemon("kubelet-loop"));
    stopper = Executors.newCachedThreadPool(daemon("kubelet-stop"));
    // The pods' ConfigMaps and Secrets, one watch per object while pods reference it (upstream's Watch strategy).
    objects = PodObjects.watching(client);
    runtimeClasses = RuntimeClassHandlers.watching(client);
    ImageManager images = new ImageManager(cri, objects, config.registry(), config.allowRemoteRegistries());
    RuntimeInspector inspector = new RuntimeInspector(cri);
    relister = new Relister(inspector, this::changed, this::wantedUids, () -> pods != null && pods.hasSynced()
        && statics != null && statics.hasSynced());

    nodeStatus = new NodeStatusManager(client, nodeName, facts, config.port(), runtimeVersion,
        config.podCidr().orElse(null), () -> relister.healthy() || relister.nanosSinceLastSuccess() < 30_000_000_000L,
        images::list, events, config.nodeStatusReportPeriod(), Clock.systemUTC());
    registerWithApiServer();
    lease = new LeaseHeartbeat(client, nodeName, config.leaseDuration(), nodeStatus::node, Clock.systemUTC());
    lease.run();
    CsiNodeRegistration csiNode = new CsiNodeRegistration(client, nodeName, nodeStatus::node);
    loops.execute(() -> ensureCsiNode(csiNode, 500));

    // Started before the pods: their containers' service variables wait for the first list of services.
    services = new ServiceSource(client);
    services.start();
    ProbeRunner probeRunner = new ProbeRunner(cri);
    ProbeManager probes = new ProbeManager(probeRunner, loops, events, this::changed);
    // Downward API volumes read an unset limit as the node's allocatable, as env variables do.
    VolumeManager volumes = new VolumeManager(client, objects, dirs, facts.allocatable());
    PodSyncer syncer = new PodSyncer(cri, client, events, images, volumes,
        new PodCgroups(config.cgroupRoot()),
        new SandboxConfigs(dirs, config.clusterDns(), config.clusterDomain()), dirs,
        new EnvResolver(objects, facts.allocatable(), services::services), objects, runtimeClasses, probes,
        probeRunner, CrashBackoff.kubeletDefault(), stopper, hostIp, Clock.systemUTC());
    // Static pods first: until their folder was read, their running containers would look like orphans.
    statics = new StaticPodSource(Path.of(config.podManifestPath().orElse(dirs.root().resolve("manifests")
        .toString())), nodeName, this::changed, Clock.systemUTC());
    try {
      java.nio.file.Files.createDirectories(statics.dir());
    } catch (java.io.IOException e) {
      LOG.warnf("cannot create the static pod folder %s: %s", statics.dir(), e.getMessage());
    }
    statics.refresh();
    syncer.onPodStarted(io.quarkube.kubelet.metrics.KubeletMetrics.register(meters, nodeName, relister::counts));
    workers = new PodWorkers(syncer, this::desired);
    pods = new PodSource(client, nodeName, this::changed);
    mirrors = new MirrorPods(client, nodeName, statics, pods::mirrors, this::changed);
    syncer.statusTarget(p -> StaticPodManifests.isStatic(p) ? mirrors.mirrorOf(p) : p);
    syncer.admission(new io.quarkube.kubelet.pod.HostPortAdmission(() -> {
      List<Pod> all = new ArrayList<>(pods.all().values());
      all.addAll(statics.all().values());
      return all;
    }));
    pods.onMirrorsChanged(() -> loops.execute(safely("mirror pods", mirrors::reconcile)));
    workers.start(config.podWorkers());
    pods.start();
    loops.scheduleWithFixedDelay(safely("static pods", () -> {
      statics.refresh();
      if (pods.hasSynced()) {
        mirrors.reconcile();
      }
    }), 1000, 1000, TimeUnit.MILLISECONDS);

    loops.scheduleWithFixedDelay(relister, 0, config.relistPeriod().toMillis(), TimeUnit.MILLISECONDS);
    loops.scheduleWithFixedDelay(safely("lease", lease), lease.renewInterval().toMillis(),
        lease.renewInterval().toMillis(), TimeUnit.MILLISECONDS);
    long statusPeriod = config.nodeStatusUpdatePeriod().toMillis();
    loops.scheduleWithFixedDelay(safely("node status", () -> nodeStatus.update(false)), statusPeriod, statusPeriod,
        TimeUnit.MILLISECONDS);
    loops.schedule(this::updateStatusUntilReady, 100, TimeUnit.MILLISECONDS);
    nodeStats = new NodeStats(dirs.root());
    loops.scheduleWithFixedDelay(safely("node stats", nodeStats::sample), 0, 5, TimeUnit.SECONDS);
    started = true;
    LOG.infof("kubelet started: node %s, pods from the API server, containers through %s", nodeName,
        config.containerdSocket());
  }

  void onStop(@Observes ShutdownEvent event) {
    // Pods keep running: only the kubelet's own loops stop.
    if (pods != null) {
      pods.close();
    }
    if (workers != null) {
      workers.close();
    }
    if (services != null) {
      services.close();
    }
    if (runtimeClasses != null) {
      runtimeClasses.close();
    }
    if (objects != null) {
      objects.close();
    }
    if (loops != null) {
      loops.shutdownNow();
    }
    if (stopper != null) {
      stopper.shutdownNow();
    }
    if (events != null) {
      events.close();
    }
    if (cri != null) {
      cri.close();
    }
    if (client != null) {
      client.close();
    }
  }

  /**
   * Registers the node, retrying while the API server is not there yet or not ready to answer (as upstream's
   * registerWithAPIServer): `./quarkube up` starts the kubelet beside the API server so their JVM starts overlap.
   */
  private void registerWithApiServer() {
    retrying(Duration.ofSeconds(120), "waiting for the API server to register node " + nodeName,
        "cannot register node " + nodeName + " with the API server", () -> {
          nodeStatus.register();
          return null;
        });
  }

  /**
   * Makes the node's CSINode, retrying (doubling to 10 s) while the API server refuses or does not answer, as
   * upstream's kubelet retries its CSINode initialization; pods do not wait for it.
   */
  private void ensureCsiNode(CsiNodeRegistration csiNode, long pauseMillis) {
    try {
      csiNode.ensure();
    } catch (RuntimeException e) {
      LOG.infof("creating the CSINode of node %s failed, retrying: %s", nodeName, e.getMessage());
      if (!loops.isShutdown()) {
        loops.schedule(() -> ensureCsiNode(csiNode, Math.min(10_000, pauseMillis * 2)), pauseMillis,
            TimeUnit.MILLISECONDS);
      }
    }
  }

  private VersionResponse awaitRuntime() {
    return retrying(Duration.ofSeconds(60), "waiting for containerd at " + config.containerdSocket(),
        "containerd does not answer at " + config.containerdSocket(), cri::version);
  }

  /**
   * Calls {@code attempt} until it returns, pausing 200 ms, doubling to 2 s, after each failure (logged as
   * "{@code waiting}: reason" at most every 10 s); a failure after {@code limit} ends the start as
   * "{@code failure}: reason".
   */
  private static <T> T retrying(Duration limit, String waiting, String failure, Supplier<T> attempt) {
    long deadline = System.nanoTime() + limit.toNanos();
    long nextLog = System.nanoTime();
    long pauseMillis = 200;
    while (true) {
      try {
        return attempt.get();
      } catch (RuntimeException e) {
        long now = System.nanoTime();
        if (now > deadline) {
          throw new IllegalStateException(failure + ": " + e.getMessage(), e);
        }
        if (now >= nextLog) {
          LOG.infof("%s: %s", waiting, e.getMessage());
          nextLog = now + TimeUnit.SECONDS.toNanos(10);
        }
        try {
          TimeUnit.MILLISECONDS.sleep(pauseMillis);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(ie);
        }
        pauseMillis = Math.min(2000, pauseMillis * 2);
      }
    }
  }

  private void changed(String uid) {
    if (workers != null) {
      workers.enqueue(uid);
    }
  }

  private Set<String> wantedUids() {
    Set<String> wanted = pods == null ? new HashSet<>() : new HashSet<>(pods.all().keySet());
    if (statics != null) {
      wanted.addAll(statics.all().keySet());
    }
    return wanted;
  }

  /** The pod a UID stands for: a static pod from a manifest, else the API server's (null: neither has it). */
  private Pod desired(String uid) {
    Pod pod = statics.get(uid);
    return pod != null ? pod : pods.get(uid);
  }

  /**
   * Upstream's fastStatusUpdateOnce: the status written at registration says NotReady (the runtime counts as healthy
   * only after the relister's first pass), and the next regular comparison comes a status period later; until the
   * node reports Ready, compare every 100 ms instead, so the node is Ready as soon as it can be.
   */
  private void updateStatusUntilReady() {
    try {
      nodeStatus.update(false);
    } catch (RuntimeException e) {
      LOG.debugf("node status until Ready: %s", e.toString());
    }
    if (!nodeStatus.reportedReady() && !loops.isShutdown()) {
      loops.schedule(this::updateStatusUntilReady, 100, TimeUnit.MILLISECONDS);
    }
  }

  private static Runnable safely(String what, Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.warnf("%s failed: %s", what, e.toString());
      }
    };
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return System.getenv().getOrDefault("HOSTNAME", "localhost");
    }
  }

  // ---------------------------------------------------------------------------------------------------- accessors

  public boolean started() {
    return started;
  }

  public boolean runtimeHealthy() {
    return relister != null && relister.healthy();
  }

  public boolean leaseOk() {
    return lease != null && lease.lastRenewOk();
  }

  public boolean podsSynced() {
    return pods != null && pods.hasSynced();
  }

  public String nodeName() {
    return nodeName;
  }

  public CriClient cri() {
    return cri;
  }

  public PodSource pods() {
    return pods;
  }

  public NodeStats nodeStats() {
    return nodeStats;
  }

  public PodDirs dirs() {
    return dirs;
  }

  public KubernetesClient client() {
    return client;
  }

  public Pod pod(String namespace, String name) {
    if (statics != null) {
      Optional<Pod> p = statics.byName(namespace, name);
      if (p.isPresent()) {
        return p.get();
      }
    }
    return pods == null ? null : pods.byName(namespace, name).orElse(null);
  }

  /** Every pod this kubelet runs: the API server's and the static ones. */
  public java.util.List<Pod> allPods() {
    java.util.List<Pod> all = new java.util.ArrayList<>();
    if (pods != null) {
      all.addAll(pods.all().values());
    }
    if (statics != null) {
      all.addAll(statics.all().values());
    }
    return all;
  }

  Duration relistPeriod() {
    return config.relistPeriod();
  }
}
