package io.quarkube.apiserver.admission;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaStatus;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.registry.GenericStore;
import io.quarkube.apiserver.registry.ListOptions;
import io.quarkube.apiserver.registry.Registry;
import io.quarkube.apiserver.resource.ResourceDefinition;
import io.quarkube.apiserver.security.RequestContexts;
import io.quarkube.machinery.quota.Quantities;
import io.quarkube.machinery.quota.QuotaScopes;
import io.quarkube.machinery.quota.QuotaUsage;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Upstream's ResourceQuota admission, made exact: a create in a namespace with quotas counts what the namespace
 * already uses, refuses the object if it would go over any quota, and charges the quota's {@code status.used}.
 * Creates in one namespace are serialised from this check until their response is written (the object is then in
 * etcd), so no two racing creates can both fit into the last free unit — the usage read by the second always
 * includes the first. Quotas are checked on create; deletes free their share at the next count.
 */
public final class ResourceQuotaAdmission implements AdmissionPlugin {
  private static final String HOLDS_LOCK = "quarkube.quota.lock";
  private static final long LOCK_WAIT_SECONDS = 30;

  private final Registry registry;
  private final Clock clock;
  private final Map<String, Semaphore> locks = new ConcurrentHashMap<>();

  private final CachedReads quotas;

  public ResourceQuotaAdmission(Registry registry, Clock clock, CachedReads quotas) {
    this.quotas = quotas;
    this.registry = registry;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "ResourceQuota";
  }

  @Override
  public void admit(AdmissionRequest r) {
    if (r.operation() != AdmissionRequest.Operation.CREATE || r.subresource() != null || r.object() == null
        || r.namespace() == null || !r.resource().namespaced()) {
      return;
    }
    GenericStore<HasMetadata> quotaStore = registry.store("", "v1", "resourcequotas").orElseThrow();
    // Most namespaces have no quota: the copy answers that; the check itself reads the quotas' latest usage.
    if (quotas.list(r.namespace()).isEmpty()) {
      return;
    }
    Map<String, BigDecimal> delta = QuotaUsage.of(r.resource().groupResource(), r.object(), clock.instant());
    if (delta.isEmpty()) {
      return;
    }
    RoutingContext ctx = RequestContexts.current();
    boolean locked = lock(r.namespace(), ctx);
    try {
      check(r, quotaStore, delta);
    } finally {
      if (locked && ctx == null) {
        locks.get(r.namespace()).release();
      }
    }
  }

  private void check(AdmissionRequest r, GenericStore<HasMetadata> quotaStore, Map<String, BigDecimal> delta) {
    List<ResourceQuota> quotas = new ArrayList<>();
    for (HasMetadata o : quotaStore.list(r.namespace(), ListOptions.all()).items()) {
      quotas.add((ResourceQuota) o);
    }
    List<String> failures = new ArrayList<>();
    Map<ResourceQuota, Map<String, BigDecimal>> charged = new LinkedHashMap<>();
    for (ResourceQuota q : quotas) {
      Map<String, Quantity> hard = q.getSpec() == null || q.getSpec().getHard() == null ? Map.of()
          : q.getSpec().getHard();
      if (!QuotaScopes.inScope(q.getSpec(), r.object())) {
        continue;
      }
      Set<String> touched = new LinkedHashSet<>(hard.keySet());
      touched.retainAll(delta.keySet());
      if (r.object() instanceof Pod pod) {
        Map<String, List<String>> missing = QuotaUsage.missingCompute(pod, hard.keySet());
        if (!missing.isEmpty()) {
          List<String> parts = new ArrayList<>();
          missing.forEach((res, containers) -> parts.add(res + " for: " + String.join(",", containers)));
          failures.add("failed quota: " + q.getMetadata().getName() + ": must specify " + String.join("; ", parts));
          continue;
        }
      }
      if (touched.isEmpty()) {
        continue;
      }
      Map<String, BigDecimal> used = usedIn(r.namespace(), q, hard.keySet());
      Map<String, String> requested = new TreeMap<>();
      Map<String, String> usedText = new TreeMap<>();
      Map<String, String> limited = new TreeMap<>();
      for (String k : touched) {
        BigDecimal d = delta.get(k);
        BigDecimal limit = Quantities.value(hard.get(k));
        BigDecimal now = used.getOrDefault(k, BigDecimal.ZERO);
        if (d.signum() > 0 && now.add(d).compareTo(limit) > 0) {
          requested.put(k, Quantities.format(k, d));
          usedText.put(k, Quantities.format(k, now));
          limited.put(k, hard.get(k).toString());
        }
      }
      if (!requested.isEmpty()) {
        failures.add("exceeded quota: " + q.getMetadata().getName() + ", requested: " + join(requested) + ", used: "
            + join(usedText) + ", limited: " + join(limited));
        continue;
      }
      Map<String, BigDecimal> next = new LinkedHashMap<>(used);
      QuotaUsage.charge(next, delta);
      charged.put(q, next);
    }
    if (!failures.isEmpty()) {
      throw AdmissionErrors.forbidden(r, String.join(", ", failures));
    }
    if (r.dryRun()) {
      return;
    }
    for (var e : charged.entrySet()) {
      writeUsage(quotaStore, r.namespace(), e.getKey(), e.getValue());
    }
  }

  /** What the namespace uses now, for the resources the quota tracks and within its scopes. */
  Map<String, BigDecimal> usedIn(String namespace, ResourceQuota q, Set<String> tracked) {
    Map<String, BigDecimal> used = new LinkedHashMap<>();
    for (String k : tracked) {
      used.put(k, BigDecimal.ZERO);
    }
    for (ResourceDefinition def : resourcesFor(tracked)) {
      GenericStore<HasMetadata> store = registry.store(def);
      for (HasMetadata o : store.list(namespace, ListOptions.all()).items()) {
        if (QuotaScopes.inScope(q.getSpec(), o)) {
          QuotaUsage.charge(used, QuotaUsage.of(def.groupResource(), o, clock.instant()));
        }
      }
    }
    return used;
  }

  private List<ResourceDefinition> resourcesFor(Set<String> tracked) {
    Set<ResourceDefinition> out = new LinkedHashSet<>();
    for (ResourceDefinition def : registry.catalog().all()) {
      if (def.isVirtual() || !def.namespaced()) {
        continue;
      }
      if (tracked.stream().anyMatch(k -> QuotaUsage.mayUse(def.groupResource(), k))) {
        out.add(def);
      }
    }
    return new ArrayList<>(out);
  }

  private static void writeUsage(GenericStore<HasMetadata> store, String namespace, ResourceQuota q,
      Map<String, BigDecimal> used) {
    try {
      store.guaranteedUpdate(namespace, q.getMetadata().getName(), null, "status", false, current -> {
        ResourceQuota rq = (ResourceQuota) current;
        ResourceQuotaStatus status = rq.getStatus() == null ? new ResourceQuotaStatus() : rq.getStatus();
        status.setHard(rq.getSpec() == null ? null : rq.getSpec().getHard());
        status.setUsed(Quantities.toQuantities(used));
        rq.setStatus(status);
        return rq;
      });
    } catch (ApiException e) {
      if (e.code() != 404) {
        throw e;
      }
    }
  }

  /** Takes the namespace's quota lock for the rest of this request (released when its response is written). */
  private boolean lock(String namespace, RoutingContext ctx) {
    if (ctx != null && ctx.get(HOLDS_LOCK) != null) {
      return false;
    }
    Semaphore s = locks.computeIfAbsent(namespace, n -> new Semaphore(1, true));
    try {
      if (!s.tryAcquire(LOCK_WAIT_SECONDS, TimeUnit.SECONDS)) {
        throw ApiException.timeout("timed out waiting for the quota of namespace " + namespace);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiException.timeout("interrupted while waiting for the quota of namespace " + namespace);
    }
    if (ctx != null) {
      AtomicBoolean released = new AtomicBoolean();
      Runnable release = () -> {
        if (released.compareAndSet(false, true)) {
          s.release();
        }
      };
      ctx.put(HOLDS_LOCK, Boolean.TRUE);
      ctx.addHeadersEndHandler(v -> release.run());
      ctx.addEndHandler(v -> release.run());
    }
    return true;
  }

  private static String join(Map<String, String> m) {
    List<String> parts = new ArrayList<>();
    m.forEach((k, v) -> parts.add(k + "=" + v));
    return String.join(",", parts);
  }
}
