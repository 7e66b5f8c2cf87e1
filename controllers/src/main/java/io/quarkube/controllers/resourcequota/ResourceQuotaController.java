package io.quarkube.controllers.resourcequota;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.ResourceQuotaStatus;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkube.client.controller.Controller;
import io.quarkube.client.controller.Informers;
import io.quarkube.controllers.support.ApiErrors;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.ObjectWriter;
import io.quarkube.machinery.quota.Quantities;
import io.quarkube.machinery.quota.QuotaScopes;
import io.quarkube.machinery.quota.QuotaUsage;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Upstream's {@code resourcequota} controller: keeps each ResourceQuota's {@code status.hard} (= spec) and
 * {@code status.used} (recounted from the namespace's objects in the caches) current. The API server's admission
 * plugin refuses creates over quota and charges {@code used} on each create; this controller is what lowers
 * {@code used} again after deletes, finished pods and spec changes, and fills the status of a new quota. Keyed by
 * namespace; every tracked object's change enqueues its namespace when it has quotas; a full recount every 5 min.
 */
public final class ResourceQuotaController extends Controller<String> {
  public static final String NAME = "resourcequota";
  static final Duration RESYNC = Duration.ofMinutes(5);
  /** The kinds counted, by the resource name quotas use ({@code count/<this>}). */
  static final Map<String, Class<? extends HasMetadata>> TRACKED = new LinkedHashMap<>();

  static {
    TRACKED.put("pods", Pod.class);
    TRACKED.put("services", Service.class);
    TRACKED.put("configmaps", ConfigMap.class);
    TRACKED.put("secrets", Secret.class);
    TRACKED.put("persistentvolumeclaims", PersistentVolumeClaim.class);
    TRACKED.put("replicationcontrollers", ReplicationController.class);
    TRACKED.put("resourcequotas", ResourceQuota.class);
    TRACKED.put("deployments.apps", Deployment.class);
    TRACKED.put("replicasets.apps", ReplicaSet.class);
    TRACKED.put("statefulsets.apps", StatefulSet.class);
    TRACKED.put("daemonsets.apps", DaemonSet.class);
    TRACKED.put("jobs.batch", Job.class);
    TRACKED.put("cronjobs.batch", CronJob.class);
  }

  private final Informers informers;
  private final Indexer<ResourceQuota> quotas;
  private final ObjectWriter writer;
  private final Clock clock;

  public ResourceQuotaController(ControllerContext ctx) {
    this(ctx, Clock.systemUTC());
  }

  ResourceQuotaController(ControllerContext ctx, Clock clock) {
    super(NAME);
    this.clock = clock;
    this.informers = ctx.informers();
    this.quotas = informers.indexer(ResourceQuota.class);
    this.writer = ctx.writer();
    for (Class<? extends HasMetadata> type : TRACKED.values()) {
      informers.addEventHandler(type, enqueueing(this::namespaceWithQuotas));
      waitForSync(informers, type);
    }
  }

  private String namespaceWithQuotas(HasMetadata obj) {
    String ns = obj.getMetadata().getNamespace();
    if (obj instanceof ResourceQuota) {
      return ns;
    }
    return ns == null || quotas.byIndex("namespace", ns).isEmpty() ? null : ns;
  }

  @Override
  protected void reconcile(String namespace) {
    List<ResourceQuota> inNamespace = quotas.byIndex("namespace", namespace);
    if (inNamespace.isEmpty()) {
      return;
    }
    Instant now = clock.instant();
    for (ResourceQuota q : inNamespace) {
      sync(q, namespace, now);
    }
    queue.addAfter(namespace, RESYNC);
  }

  private void sync(ResourceQuota cached, String namespace, Instant now) {
    Map<String, Quantity> hard = cached.getSpec() == null || cached.getSpec().getHard() == null ? Map.of()
        : cached.getSpec().getHard();
    Map<String, BigDecimal> used = new TreeMap<>();
    hard.keySet().forEach(k -> used.put(k, BigDecimal.ZERO));
    TRACKED.forEach((resource, type) -> {
      if (hard.keySet().stream().noneMatch(k -> QuotaUsage.mayUse(resource, k))) {
        return;
      }
      for (HasMetadata o : informers.indexer(type).byIndex("namespace", namespace)) {
        if (QuotaScopes.inScope(cached.getSpec(), o)) {
          QuotaUsage.charge(used, QuotaUsage.of(resource, o, now));
        }
      }
    });
    ResourceQuotaStatus wanted = new ResourceQuotaStatus();
    wanted.setHard(new TreeMap<>(hard));
    wanted.setUsed(Quantities.toQuantities(used));
    ResourceQuotaStatus current = cached.getStatus() == null ? new ResourceQuotaStatus() : cached.getStatus();
    if (same(wanted, current)) {
      return;
    }
    try {
      writer.updateStatus(new ResourceQuotaBuilder(Serialization.clone(cached)).withStatus(wanted).build());
    } catch (RuntimeException e) {
      if (!ApiErrors.isNotFound(e)) {
        throw e;
      }
    }
  }

  /** Compares by value: "1000m" and "1" are the same amount. */
  private static boolean same(ResourceQuotaStatus a, ResourceQuotaStatus b) {
    return Quantities.sameAmounts(a.getHard(), b.getHard()) && Quantities.sameAmounts(a.getUsed(), b.getUsed());
  }
}
