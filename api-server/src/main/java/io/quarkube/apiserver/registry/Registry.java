package io.quarkube.apiserver.registry;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.quarkube.apiserver.registry.Strategy.NameRule;
import io.quarkube.apiserver.registry.apps.WorkloadStrategies;
import io.quarkube.apiserver.registry.core.ConfigDataStrategy;
import io.quarkube.apiserver.registry.core.EventStrategy;
import io.quarkube.apiserver.registry.core.NamespaceStrategy;
import io.quarkube.apiserver.registry.core.NodeStrategy;
import io.quarkube.apiserver.registry.core.PodStrategy;
import io.quarkube.apiserver.registry.core.ServiceStrategy;
import io.quarkube.apiserver.registry.flowcontrol.FlowControlConversion;
import io.quarkube.apiserver.registry.flowcontrol.FlowSchemaStrategy;
import io.quarkube.apiserver.registry.flowcontrol.FlowSchemaV1beta3Strategy;
import io.quarkube.apiserver.registry.flowcontrol.PriorityLevelConfigurationStrategy;
import io.quarkube.apiserver.registry.flowcontrol.PriorityLevelConfigurationV1beta3Strategy;
import io.quarkube.apiserver.resource.ResourceCatalog;
import io.quarkube.apiserver.resource.ResourceDefinition;
import io.quarkube.apiserver.storage.Storage;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** One {@link GenericStore} per resource of the catalog, each with its strategy. */
public final class Registry {
  /**
   * Changes each resource's watch cache keeps at least for watches resuming from a recent resourceVersion
   * ({@code quarkube.watch-cache.capacity}; 0 turns the cache off and every watch opens its own etcd watch).
   */
  static final int WATCH_CACHE_CAPACITY = org.eclipse.microprofile.config.ConfigProvider.getConfig()
      .getOptionalValue("quarkube.watch-cache.capacity", Integer.class).orElse(500);
  /**
   * Changes each resource's watch cache keeps at most ({@code quarkube.watch-cache.max-capacity}), when more than
   * {@link #WATCH_CACHE_CAPACITY} happened in the last 75 s: the window holds stored bytes (a few KiB per pod change),
   * so 20,000 cost up to ~100 MiB for the busiest resource. Upstream's cacher grows to 102,400.
   */
  static final int WATCH_CACHE_MAX_CAPACITY = org.eclipse.microprofile.config.ConfigProvider.getConfig()
      .getOptionalValue("quarkube.watch-cache.max-capacity", Integer.class).orElse(20_000);
  /** How long a change stays in the window (above the minimum): upstream's eventFreshDuration. */
  static final Duration WATCH_CACHE_RETENTION = Duration.ofSeconds(75);

  private final ResourceCatalog catalog;
  private final Map<ResourceDefinition, GenericStore<?>> stores = new java.util.concurrent.ConcurrentHashMap<>();
  private final Storage storage;
  private final Clock clock;
  private volatile io.micrometer.core.instrument.MeterRegistry meters;

  @SuppressWarnings("unchecked")
  public Registry(ResourceCatalog catalog, Storage storage, Clock clock) {
    this.catalog = catalog;
    this.storage = storage;
    this.clock = clock;
    Map<String, Strategy<?>> strategies = strategies();
    for (ResourceDefinition d : catalog.all()) {
      if (d.isVirtual()) {
        continue;
      }
      Strategy<?> s = strategies.getOrDefault(d.group() + "/" + d.version() + "/" + d.resource(),
          strategies.getOrDefault(d.group() + "/" + d.resource(), new DefaultStrategy<>()));
      GenericStore<?> store = newStore(d, s, storage, clock);
      if (d.group().equals("autoscaling") && d.version().equals("v1")) {
        // autoscaling/v1 HorizontalPodAutoscalers are autoscaling/v2's objects, stored in v2 (upstream's storage version)
        ((GenericStore<io.fabric8.kubernetes.api.model.autoscaling.v1.HorizontalPodAutoscaler>) store)
            .setStorageConversion(io.quarkube.apiserver.registry.autoscaling.HorizontalPodAutoscalerV1Strategy.STORAGE);
      } else if (d.group().equals("events.k8s.io")) {
        // events.k8s.io/v1 Events are core/v1's objects, stored as core v1 (upstream's storage version)
        ((GenericStore<io.fabric8.kubernetes.api.model.events.v1.Event>) store)
            .setStorageConversion(io.quarkube.apiserver.registry.events.EventsV1Strategy.STORAGE);
      }
      stores.put(d, store);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static GenericStore<?> newStore(ResourceDefinition d, Strategy<?> s, Storage storage, Clock clock) {
    GenericStore<?> store = new GenericStore(d, s, storage, clock);
    if (WATCH_CACHE_CAPACITY > 0) { // else no cache: every watch opens its own etcd watch
      store.enableWatchCache(new WatchCache.Sizing(WATCH_CACHE_CAPACITY,
          Math.max(WATCH_CACHE_CAPACITY, WATCH_CACHE_MAX_CAPACITY), WATCH_CACHE_RETENTION));
    }
    return store;
  }


  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void flowControlV1beta3(ResourceDefinition d, GenericStore<?> store) {
    GenericStore raw = store;
    if (d.resource().equals("flowschemas")) {
      raw.setStorageConversion(FlowControlConversion.storage(
          io.fabric8.kubernetes.api.model.flowcontrol.v1beta3.FlowSchema.class,
          io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchema.class));
    } else {
      raw.setStorageConversion(FlowControlConversion.storage(
          io.fabric8.kubernetes.api.model.flowcontrol.v1beta3.PriorityLevelConfiguration.class,
          io.fabric8.kubernetes.api.model.flowcontrol.v1.PriorityLevelConfiguration.class));
    }
  }

  /**
   * Resources with rules of their own, keyed {@code group/resource} (or {@code group/version/resource} where versions
   * differ); the rest use {@link DefaultStrategy}.
   */
  private static Map<String, Strategy<?>> strategies() {
    Map<String, Strategy<?>> m = new LinkedHashMap<>();
    m.put("/pods", new PodStrategy());
    m.put("/namespaces", new NamespaceStrategy());
    m.put("/services", new ServiceStrategy());
    m.put("/configmaps", ConfigDataStrategy.configMaps());
    m.put("/secrets", ConfigDataStrategy.secrets());
    m.put("/events", new EventStrategy());
    m.put("events.k8s.io/events", new io.quarkube.apiserver.registry.events.EventsV1Strategy());
    m.put("/nodes", new NodeStrategy());
    m.put("/replicationcontrollers", WorkloadStrategies.replicationControllers());
    m.put("apps/deployments", WorkloadStrategies.deployments());
    m.put("apps/replicasets", WorkloadStrategies.replicaSets());
    m.put("apps/statefulsets", WorkloadStrategies.statefulSets());
    m.put("apps/daemonsets", WorkloadStrategies.daemonSets());
    m.put("autoscaling/v2/horizontalpodautoscalers",
        new io.quarkube.apiserver.registry.autoscaling.HorizontalPodAutoscalerStrategy());
    m.put("autoscaling/v1/horizontalpodautoscalers",
        new io.quarkube.apiserver.registry.autoscaling.HorizontalPodAutoscalerV1Strategy());
    m.put("flowcontrol.apiserver.k8s.io/v1/flowschemas", new FlowSchemaStrategy());
    m.put("flowcontrol.apiserver.k8s.io/v1beta3/flowschemas", new FlowSchemaV1beta3Strategy());
    m.put("flowcontrol.apiserver.k8s.io/v1/prioritylevelconfigurations", new PriorityLevelConfigurationStrategy());
    m.put("flowcontrol.apiserver.k8s.io/v1beta3/prioritylevelconfigurations",
        new PriorityLevelConfigurationV1beta3Strategy());
    m.put("batch/jobs", new io.quarkube.apiserver.registry.batch.JobStrategy());
    m.put("certificates.k8s.io/certificatesigningrequests",
        new io.quarkube.apiserver.registry.certificates.CertificateSigningRequestStrategy());
    m.put("batch/cronjobs", new io.quarkube.apiserver.registry.batch.CronJobStrategy());
    m.put("storage.k8s.io/csidrivers", new io.quarkube.apiserver.registry.storage.CsiDriverStrategy());
    m.put("storage.k8s.io/csinodes", new io.quarkube.apiserver.registry.storage.CsiNodeStrategy());
    m.put("storage.k8s.io/csistoragecapacities", new io.quarkube.apiserver.registry.storage.CsiStorageCapacityStrategy());
    m.put("storage.k8s.io/volumeattachments", new io.quarkube.apiserver.registry.storage.VolumeAttachmentStrategy());
    m.put("node.k8s.io/runtimeclasses", new io.quarkube.apiserver.registry.node.RuntimeClassStrategy());
    m.put("scheduling.k8s.io/priorityclasses",
        new io.quarkube.apiserver.registry.scheduling.PriorityClassStrategy());
    m.put("policy/poddisruptionbudgets", new io.quarkube.apiserver.registry.policy.PodDisruptionBudgetStrategy());
    m.put("apiextensions.k8s.io/customresourcedefinitions", new io.quarkube.apiserver.crd.CrdStrategy());
    m.put("admissionregistration.k8s.io/mutatingwebhookconfigurations",
        io.quarkube.apiserver.registry.admissionregistration.WebhookConfigurationStrategy.mutating());
    m.put("admissionregistration.k8s.io/validatingadmissionpolicies",
        new io.quarkube.apiserver.registry.admissionregistration.ValidatingAdmissionPolicyStrategy());
    m.put("admissionregistration.k8s.io/validatingadmissionpolicybindings",
        new io.quarkube.apiserver.registry.admissionregistration.ValidatingAdmissionPolicyBindingStrategy());
    m.put("admissionregistration.k8s.io/validatingwebhookconfigurations",
        io.quarkube.apiserver.registry.admissionregistration.WebhookConfigurationStrategy.validating());
    for (String rbac : new String[] {"roles", "rolebindings", "clusterroles", "clusterrolebindings"}) {
      m.put("rbac.authorization.k8s.io/" + rbac, new DefaultStrategy<>(NameRule.PATH_SEGMENT));
    }
    return m;
  }

  /** Serves a resource that appeared at run time (a custom resource version) with its own strategy. */
  public void register(ResourceDefinition d, Strategy<?> strategy) {
    GenericStore<?> store = newStore(d, strategy, storage, clock);
    stores.put(d, store);
    catalog.register(d);
    io.micrometer.core.instrument.MeterRegistry m = meters;
    if (m != null) {
      watcherGauge(m, d, store);
    }
  }

  /**
   * Registers upstream's {@code apiserver_registered_watchers{group, version, kind}} for every store, now and for
   * those registered later: the API watches each store's watch cache feeds (read when scraped, nothing to count).
   */
  public void bindMetrics(io.micrometer.core.instrument.MeterRegistry meters) {
    this.meters = meters;
    stores.forEach((d, store) -> watcherGauge(meters, d, store));
  }

  private static void watcherGauge(io.micrometer.core.instrument.MeterRegistry meters, ResourceDefinition d,
      GenericStore<?> store) {
    // A custom resource registered again (its definition changed) has a new store: the gauge must read that one.
    io.micrometer.core.instrument.Gauge old = meters.find("apiserver_registered_watchers")
        .tags("group", d.group(), "version", d.version(), "kind", d.kind()).gauge();
    if (old != null) {
      meters.remove(old);
    }
    io.micrometer.core.instrument.Gauge.builder("apiserver_registered_watchers", store,
            GenericStore::cachedWatchers)
        .description("Number of currently registered watchers for a given resources")
        .tags("group", d.group(), "version", d.version(), "kind", d.kind()).register(meters);
  }

  public void unregister(ResourceDefinition d) {
    catalog.unregister(d.group(), d.version(), d.resource());
    stores.remove(d);
  }

  public ResourceCatalog catalog() {
    return catalog;
  }

  public Optional<GenericStore<HasMetadata>> store(String group, String version, String resource) {
    return catalog.find(group, version, resource).map(this::store);
  }

  @SuppressWarnings("unchecked")
  public GenericStore<HasMetadata> store(ResourceDefinition d) {
    return (GenericStore<HasMetadata>) stores.get(d);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  public GenericStore<io.fabric8.kubernetes.api.model.Service> services() {
    return (GenericStore) store("", "v1", "services").orElseThrow();
  }

  public GenericStore<HasMetadata> namespaces() {
    return store("", "v1", "namespaces").orElseThrow();
  }
}
