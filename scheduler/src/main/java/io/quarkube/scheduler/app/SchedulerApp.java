package io.quarkube.scheduler.app;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkube.client.KubeClients;
import io.quarkube.scheduler.api.ApiWriter;
import io.quarkube.scheduler.api.ClusterApi;
import io.quarkube.scheduler.api.EventRecorder;
import io.quarkube.scheduler.cache.SchedulerCache;
import io.quarkube.scheduler.config.ConfigLoader;
import io.quarkube.scheduler.config.Profile;
import io.quarkube.scheduler.config.SchedulerConfiguration;
import io.quarkube.scheduler.core.PodScheduler;
import io.quarkube.scheduler.core.Scheduler;
import io.quarkube.scheduler.framework.ClusterEvent;
import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.framework.QueuedPodInfo;
import io.quarkube.scheduler.framework.Status;
import io.quarkube.scheduler.framework.plugins.InTreeRegistry;
import io.quarkube.scheduler.framework.runtime.Framework;
import io.quarkube.scheduler.framework.runtime.Parallelizer;
import io.quarkube.scheduler.queue.Nominator;
import io.quarkube.scheduler.queue.SchedulingQueue;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The scheduler process: a Fabric8 client from its kubeconfig ({@link KubeClients#kubeconfigPath(String)}), shared
 * informers feeding the cache and the queue, one framework per profile, and the scheduling loop — which runs only
 * while this instance holds the {@code kube-system/kube-scheduler} Lease. Informers run in standby too, so a new
 * leader starts with warm caches.
 */
@ApplicationScoped
public class SchedulerApp {
  private static final Logger LOG = Logger.getLogger(SchedulerApp.class);

  @ConfigProperty(name = "quarkube.scheduler.enabled", defaultValue = "true")
  boolean enabled;

  @ConfigProperty(name = "quarkube.scheduler.config")
  Optional<String> configFile;

  @ConfigProperty(name = "quarkube.scheduler.binding-threads", defaultValue = "64")
  int bindingThreads;

  /** Bindings, status patches and deletions in flight at once (each one a connection to the API server). */
  @ConfigProperty(name = "quarkube.scheduler.max-in-flight-writes", defaultValue = "16")
  int maxInFlightWrites;

  /** Event writes in flight at once; more wait in a bounded queue. */
  @ConfigProperty(name = "quarkube.scheduler.max-in-flight-events", defaultValue = "16")
  int maxInFlightEvents;

  @ConfigProperty(name = "quarkube.scheduler.parallelism", defaultValue = "0")
  int parallelismOverride;

  private final MeterRegistry registry;
  private final Vertx vertx;
  private ApiWriter writer;
  private KubernetesClient client;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private SharedIndexInformer<Pod> podInformer;
  private SharedIndexInformer<io.fabric8.kubernetes.api.model.Node> nodeInformer;
  private SchedulingQueue queue;
  private Scheduler scheduler;
  private ExecutorService binders;
  private Parallelizer parallelizer;
  private ScheduledExecutorService timers;
  private volatile boolean leading;
  private volatile boolean shuttingDown;
  private volatile boolean synced;
  private volatile Thread loop;
  private volatile CompletableFuture<?> election;
  private String identity;

  public SchedulerApp(MeterRegistry registry, Vertx vertx) {
    this.registry = registry;
    this.vertx = vertx;
  }

  public boolean informersSynced() {
    return synced;
  }

  public boolean isLeader() {
    return leading;
  }

  void onStart(@Observes StartupEvent ev) {
    if (!enabled) {
      return;
    }
    try {
      start();
    } catch (Exception e) {
      LOG.errorf(e, "the scheduler cannot start: %s", e.getMessage());
      Quarkus.asyncExit(1);
    }
  }

  private void start() throws Exception {
    SchedulerConfiguration cfg = configFile.filter(s -> !s.isBlank()).isPresent()
        ? ConfigLoader.load(Path.of(configFile.get())) : ConfigLoader.defaults();
    Config config = KubeClients.config(KubeClients.kubeconfigPath("scheduler"));
    config.setRequestTimeout(30_000);
    // Pods read without what scheduling never looks at (every pod update passes through here).
    client = KubeClients.client(config, new SchedulerSerialization());
    identity = hostname() + "_" + UUID.randomUUID();

    InformerListers listers = new InformerListers();
    writer = ApiWriter.create(client, vertx, maxInFlightWrites, maxInFlightEvents);
    ClusterApi api = new ClusterApi(writer, new EventRecorder(writer, "default-scheduler", identity));
    Nominator nominator = new Nominator();
    int parallelism = parallelismOverride > 0 ? parallelismOverride
        : Math.min(cfg.parallelism(), Runtime.getRuntime().availableProcessors());
    parallelizer = new Parallelizer(parallelism);
    Map<String, Framework> profiles = new LinkedHashMap<>();
    for (Profile p : cfg.profiles()) {
      profiles.put(p.schedulerName(), new Framework(p, InTreeRegistry.create(), listers, nominator, api,
          parallelizer));
    }
    Framework first = profiles.values().iterator().next();
    Comparator<QueuedPodInfo> order = first::compareQueued;
    Map<String, java.util.List<ClusterEvent>> events = new HashMap<>();
    for (Framework f : profiles.values()) {
      events.putAll(f.eventsToRegister());
    }
    queue = new SchedulingQueue(order, pod -> preEnqueue(profiles, pod), events, cfg.podInitialBackoff(),
        cfg.podMaxBackoff(), System::nanoTime, nominator);
    SchedulerCache cache = new SchedulerCache(Duration.ofSeconds(30).toNanos());
    AtomicInteger binderIds = new AtomicInteger();
    binders = Executors.newFixedThreadPool(bindingThreads, r -> {
      Thread t = new Thread(r, "scheduler-binder-" + binderIds.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    scheduler = new Scheduler(cache, queue, profiles, new PodScheduler(cfg.percentageOfNodesToScore()), binders, api,
        new MicrometerMetrics(registry), this::currentPod, System::nanoTime);
    registerQueueGauges();
    io.quarkube.client.leader.LeaderElection.registerStatusGauge(registry, cfg.leaderElection().resourceName(),
        () -> leading);

    EventHandlers handlers = new EventHandlers(cache, queue, profiles.keySet(), listers::priorityOf);
    // Nodes and pods first: readiness waits for those. Priority classes are only a fallback for pods the Priority
    // admission plugin did not resolve (upstream's scheduler role may not read them: then that informer never syncs).
    listers.priorityClasses = inform(client.scheduling().v1().priorityClasses(), null);
    nodeInformer = inform(client.nodes(), handlers.nodes());
    // Finished pods hold no resources: leave them out, as upstream does.
    podInformer = inform(client.pods().inAnyNamespace().withoutField("status.phase", "Succeeded")
        .withoutField("status.phase", "Failed"), handlers.pods());
    listers.namespaces = inform(client.namespaces(), handlers.moveOn(ClusterEvent.Resource.NAMESPACE));
    listers.pvcs = inform(client.persistentVolumeClaims().inAnyNamespace(),
        handlers.moveOn(ClusterEvent.Resource.PERSISTENT_VOLUME_CLAIM));
    listers.pvs = inform(client.persistentVolumes(), handlers.moveOn(ClusterEvent.Resource.PERSISTENT_VOLUME));
    listers.storageClasses = inform(client.storage().v1().storageClasses(),
        handlers.moveOn(ClusterEvent.Resource.STORAGE_CLASS));
    listers.csiNodes = inform(client.storage().v1().csiNodes(), handlers.moveOn(ClusterEvent.Resource.CSI_NODE));
    listers.pdbs = inform(client.policy().v1().podDisruptionBudget().inAnyNamespace(),
        handlers.moveOn(ClusterEvent.Resource.POD_DISRUPTION_BUDGET));
    listers.services = inform(client.services().inAnyNamespace(), handlers.moveOn(ClusterEvent.Resource.SERVICE));
    listers.replicaSets = inform(client.apps().replicaSets().inAnyNamespace(), null);
    listers.statefulSets = inform(client.apps().statefulSets().inAnyNamespace(), null);
    listers.replicationControllers = inform(client.replicationControllers().inAnyNamespace(), null);

    timers = Executors.newScheduledThreadPool(1, r -> {
      Thread t = new Thread(r, "scheduler-timers");
      t.setDaemon(true);
      return t;
    });
    timers.scheduleWithFixedDelay(queue::flushBackoffCompleted, 1, 1, TimeUnit.SECONDS);
    timers.scheduleWithFixedDelay(queue::flushUnschedulableLeftover, 30, 30, TimeUnit.SECONDS);
    timers.scheduleWithFixedDelay(() -> cache.cleanupExpiredAssumedPods(System.nanoTime()), 1, 1, TimeUnit.SECONDS);

    Thread waiter = new Thread(() -> awaitSyncThenElect(cfg), "scheduler-startup");
    waiter.setDaemon(true);
    waiter.start();
    LOG.infof("scheduler %s starting: profiles %s, parallelism %d, API %s (writes %s)", identity, profiles.keySet(),
        parallelism, client.getMasterUrl(), writer.direct() ? "direct" : "through the Fabric8 client");
  }

  private static Status preEnqueue(Map<String, Framework> profiles, PodInfo pod) {
    Framework f = profiles.get(Scheduler.schedulerName(pod.pod()));
    return f == null ? Status.SUCCESS : f.runPreEnqueuePlugins(pod);
  }

  private <T extends HasMetadata> SharedIndexInformer<T> inform(Informable<T> source,
      ResourceEventHandler<? super T> handler) {
    SharedIndexInformer<T> i = source.runnableInformer(0);
    // A failed list or watch (an API server busy or restarting) is retried with backoff instead of stopping the
    // informer for good; only a refusal (403/404: the scheduler may not read it) ends it.
    i.exceptionHandler((started, t) -> {
      int code = t instanceof io.fabric8.kubernetes.client.KubernetesClientException k ? k.getCode() : 0;
      boolean retry = code != 403 && code != 404;
      LOG.warnf("informer for %s: %s%s", i.getApiTypeClass().getSimpleName(), t.getMessage(),
          retry ? " (retrying)" : " (giving up)");
      return retry;
    });
    if (handler != null) {
      i.addEventHandler(handler);
    }
    i.start().whenComplete((v, e) -> {
      if (e != null) {
        LOG.warnf("informer for %s failed to start: %s", i.getApiTypeClass().getSimpleName(), e.getMessage());
      }
    });
    informers.add(i);
    return i;
  }

  private Pod currentPod(PodInfo p) {
    Pod pod = podInformer.getStore().getByKey(p.namespace() + "/" + p.name());
    if (pod == null || p.pod().getMetadata().getUid() != null
        && !p.pod().getMetadata().getUid().equals(pod.getMetadata().getUid())) {
      return null;
    }
    return pod;
  }

  private void registerQueueGauges() {
    String[] parts = {"active", "backoff", "unschedulable", "gated"};
    for (String part : parts) {
      Gauge.builder("scheduler.pending.pods", queue, q -> {
        SchedulingQueue.Sizes s = q.sizes();
        return switch (part) {
          case "active" -> s.active();
          case "backoff" -> s.backoff();
          case "unschedulable" -> s.unschedulable();
          default -> s.gated();
        };
      }).description("Number of pending pods, by the queue type.").tag("queue", part).register(registry);
    }
    Gauge.builder("scheduler.leader", this, a -> a.leading ? 1 : 0)
        .description("1 while this instance holds the scheduler lease").register(registry);
  }

  private void awaitSyncThenElect(SchedulerConfiguration cfg) {
    while (!shuttingDown && !(podInformer.hasSynced() && nodeInformer.hasSynced())) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        return;
      }
    }
    if (shuttingDown) {
      return;
    }
    synced = true;
    LOG.infof("caches synced: %d nodes", nodeInformer.getStore().list().size());
    SchedulerConfiguration.LeaderElection le = cfg.leaderElection();
    if (!le.leaderElect()) {
      startLeading();
      return;
    }
    elect(le);
  }

  private void elect(SchedulerConfiguration.LeaderElection le) {
    if (shuttingDown) {
      return;
    }
    election = new io.quarkube.client.leader.LeaderElection(le.resourceNamespace(), le.resourceName(), identity,
        le.leaseDuration(), le.renewDeadline(), le.retryPeriod())
        .start(client, this::startLeading, this::stopLeading, leader -> LOG.infof("the scheduler leader is %s",
            leader));
    election.whenComplete((v, e) -> {
      if (!shuttingDown) {
        // Lost the lease (or could not reach the API server): stand by and try again.
        LOG.warnf("leader election ended%s; standing by again", e == null ? "" : ": " + e.getMessage());
        elect(le);
      }
    });
  }

  private synchronized void startLeading() {
    if (leading || shuttingDown) {
      return;
    }
    leading = true;
    LOG.infof("%s became the scheduler leader", identity);
    Thread t = new Thread(this::runLoop, "scheduler-loop");
    t.setDaemon(true);
    loop = t;
    t.start();
  }

  private synchronized void stopLeading() {
    if (leading) {
      LOG.infof("%s stopped leading", identity);
    }
    leading = false;
  }

  private void runLoop() {
    while (leading && !shuttingDown) {
      try {
        scheduler.scheduleOne(200);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.errorf(e, "scheduling loop error");
      }
    }
  }

  void onStop(@Observes ShutdownEvent ev) {
    stop();
  }

  /**
   * Stops scheduling, releases the Lease (so a standby takes over at once) and closes the client. Idempotent: a
   * control plane that runs the scheduler in the API server's process calls it before the server stops serving,
   * since the release is a request to that server.
   */
  public synchronized void stop() {
    if (shuttingDown) {
      return;
    }
    shuttingDown = true;
    leading = false;
    if (queue != null) {
      queue.close();
    }
    Thread t = loop;
    if (t != null) {
      try {
        t.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    CompletableFuture<?> e = election;
    if (e != null) {
      // Cancelling releases the lease, so a standby takes over at once instead of after 15 s.
      e.cancel(true);
    }
    if (binders != null) {
      binders.shutdown();
      try {
        binders.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
      }
    }
    if (timers != null) {
      timers.shutdownNow();
    }
    for (SharedIndexInformer<?> i : informers) {
      i.stop();
    }
    if (parallelizer != null) {
      parallelizer.close();
    }
    if (writer != null) {
      writer.close();
    }
    if (client != null) {
      client.close();
    }
  }

  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "localhost";
    }
  }
}
