package io.quarkube.apiserver.bootstrap;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder;
import io.quarkube.apiserver.authz.ClusterRoleAggregator;
import io.quarkube.apiserver.authz.Coverage;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.registry.GenericStore;
import io.quarkube.apiserver.registry.ListOptions;
import io.quarkube.apiserver.registry.Registry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Upstream's rbac/bootstrap-roles and scheduling/bootstrap-system-priority-classes post-start hooks: the default
 * roles and bindings and the two system priority classes exist before requests are authorized. Existing defaults
 * marked {@code rbac.authorization.kubernetes.io/autoupdate: "true"} get missing permissions and subjects added
 * back (never removed), as upstream reconciles them; with autoupdate "false" an administrator's change is kept.
 */
@Singleton
public class RbacBootstrap {
  private static final Logger LOG = Logger.getLogger(RbacBootstrap.class);
  private static final String RBAC = "rbac.authorization.k8s.io";
  /** Writes in flight while the defaults are put in place. */
  private static final int WRITERS = 8;

  private final Registry registry;
  private final CountDownLatch done = new CountDownLatch(1);

  public RbacBootstrap(Registry registry) {
    this.registry = registry;
  }

  void onStart(@Observes StartupEvent event) {
    Thread t = new Thread(this::ensureLoop, "rbac-bootstrap");
    t.setDaemon(true);
    t.start();
  }

  public boolean awaitDone(Duration timeout) {
    try {
      return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public boolean done() {
    return done.getCount() == 0;
  }

  private void ensureLoop() {
    long backoff = 200;
    while (true) {
      try {
        ensure();
        done.countDown();
        LOG.info("default RBAC roles, bindings and priority classes present");
        return;
      } catch (NotYet e) {
        LOG.debugf("default RBAC policy waits: %s", e.getMessage());
        if (!pause(100)) {
          return;
        }
        continue;
      } catch (RuntimeException e) {
        LOG.warnf("default RBAC policy not in place yet (%s); retrying", e.getMessage());
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  }

  void ensure() {
    waitForNamespaces();
    List<ClusterRole> roles = DefaultPolicy.clusterRoles();
    for (ClusterRole role : roles) {
      if (role.getAggregationRule() != null) {
        role.setRules(ClusterRoleAggregator.aggregate(role, expandAggregated(roles)));
      }
    }
    // One LIST per resource and the writes side by side: a hundred objects one GET and one create after another
    // kept /readyz waiting for seconds on a loaded machine.
    List<Runnable> writes = new ArrayList<>();
    plan(writes, store("clusterroles"), roles);
    plan(writes, store("clusterrolebindings"), DefaultPolicy.clusterRoleBindings());
    plan(writes, store("roles"), DefaultPolicy.roles());
    plan(writes, store("rolebindings"), DefaultPolicy.roleBindings());
    runAll(writes);
    GenericStore<HasMetadata> priorities = registry.store("scheduling.k8s.io", "v1", "priorityclasses").orElseThrow();
    create(priorities, null, new PriorityClassBuilder().withNewMetadata().withName("system-node-critical")
        .endMetadata().withValue(2000001000).withDescription("Used for system critical pods that must not be moved "
        + "from their current node.").withPreemptionPolicy("PreemptLowerPriority").build());
    create(priorities, null, new PriorityClassBuilder().withNewMetadata().withName("system-cluster-critical")
        .endMetadata().withValue(2000000000).withDescription("Used for system critical pods that must run in the "
        + "cluster, but can be moved to another node if necessary.").withPreemptionPolicy("PreemptLowerPriority")
        .build());
  }

  /** admin aggregates edit which aggregates view: resolve the chain before anything is stored. */
  private static List<ClusterRole> expandAggregated(List<ClusterRole> roles) {
    List<ClusterRole> copy = new ArrayList<>();
    for (ClusterRole r : roles) {
      copy.add(Json.read(Json.bytes(r), ClusterRole.class));
    }
    for (int pass = 0; pass < 4; pass++) {
      for (ClusterRole r : copy) {
        if (r.getAggregationRule() != null) {
          r.setRules(ClusterRoleAggregator.aggregate(r, copy));
        }
      }
    }
    return copy;
  }

  private void waitForNamespaces() {
    for (String ns : List.of("kube-system", "kube-public")) {
      if (registry.namespaces().find(null, ns).isEmpty()) {
        throw new NotYet("namespace " + ns + " does not exist yet");
      }
    }
  }

  /** Adds to {@code writes} what makes each of {@code wanted} present, from one list of what is stored. */
  private static void plan(List<Runnable> writes, GenericStore<HasMetadata> store,
      List<? extends HasMetadata> wanted) {
    Map<String, HasMetadata> stored = new HashMap<>();
    for (HasMetadata o : store.list(null, ListOptions.all()).items()) {
      stored.put(o.getMetadata().getNamespace() + "/" + o.getMetadata().getName(), o);
    }
    for (HasMetadata w : wanted) {
      String ns = w.getMetadata().getNamespace();
      Optional<HasMetadata> existing = Optional.ofNullable(stored.get(ns + "/" + w.getMetadata().getName()));
      writes.add(() -> ensure(store, ns, w, existing));
    }
  }

  /** Runs the writes on a few threads; the first failure is thrown (the caller's loop retries everything). */
  private static void runAll(List<Runnable> writes) {
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS, r -> {
      Thread t = new Thread(r, "rbac-bootstrap-write");
      t.setDaemon(true);
      return t;
    });
    try {
      List<CompletableFuture<Void>> all = new ArrayList<>();
      for (Runnable w : writes) {
        all.add(CompletableFuture.runAsync(w, pool));
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    } finally {
      pool.shutdown();
    }
  }

  private static void ensure(GenericStore<HasMetadata> store, String namespace, HasMetadata wanted,
      Optional<HasMetadata> existing) {
    if (existing.isEmpty()) {
      create(store, namespace, wanted);
      return;
    }
    Map<String, String> ann = existing.get().getMetadata().getAnnotations();
    if (ann != null && "false".equals(ann.get(DefaultPolicy.AUTOUPDATE))) {
      return;
    }
    HasMetadata merged = reconcile(existing.get(), wanted);
    if (merged != null) {
      try {
        store.guaranteedUpdate(namespace, wanted.getMetadata().getName(), null, null, false,
            current -> {
              // reconcile adds the missing rules to current in place: call it once (a second call finds nothing
              // missing any more and answers null).
              HasMetadata next = reconcile(current, wanted);
              return next == null ? current : next;
            });
        LOG.infof("reconciled default %s %s", store.definition().resource(), wanted.getMetadata().getName());
      } catch (ApiException e) {
        LOG.warnf("could not reconcile %s: %s", wanted.getMetadata().getName(), e.getMessage());
      }
    }
  }

  /** The existing object with what the default adds, or null when nothing is missing. */
  private static HasMetadata reconcile(HasMetadata existing, HasMetadata wanted) {
    if (existing instanceof ClusterRole have && wanted instanceof ClusterRole want) {
      if (want.getAggregationRule() != null) {
        return null; // the aggregator owns these rules
      }
      return withRules(have.getRules(), want.getRules(), rules -> have.setRules(rules)) ? have : null;
    }
    if (existing instanceof Role have && wanted instanceof Role want) {
      return withRules(have.getRules(), want.getRules(), rules -> have.setRules(rules)) ? have : null;
    }
    if (existing instanceof ClusterRoleBinding have && wanted instanceof ClusterRoleBinding want) {
      return withSubjects(have.getSubjects(), want.getSubjects(), have::setSubjects) ? have : null;
    }
    if (existing instanceof RoleBinding have && wanted instanceof RoleBinding want) {
      return withSubjects(have.getSubjects(), want.getSubjects(), have::setSubjects) ? have : null;
    }
    return null;
  }

  private static boolean withRules(List<PolicyRule> have, List<PolicyRule> want,
      java.util.function.Consumer<List<PolicyRule>> set) {
    List<PolicyRule> current = have == null ? List.of() : have;
    List<PolicyRule> missing = new ArrayList<>();
    for (PolicyRule r : want) {
      if (!Coverage.uncovered(current, List.of(r)).isEmpty()) {
        missing.add(r);
      }
    }
    if (missing.isEmpty()) {
      return false;
    }
    List<PolicyRule> next = new ArrayList<>(current);
    next.addAll(missing);
    set.accept(next);
    return true;
  }

  private static boolean withSubjects(List<Subject> have, List<Subject> want,
      java.util.function.Consumer<List<Subject>> set) {
    List<Subject> next = new ArrayList<>(have == null ? List.of() : have);
    boolean changed = false;
    for (Subject s : want) {
      boolean present = next.stream().anyMatch(x -> x.getKind().equals(s.getKind()) && x.getName().equals(s.getName())
          && java.util.Objects.equals(emptyToNull(x.getNamespace()), emptyToNull(s.getNamespace())));
      if (!present) {
        next.add(s);
        changed = true;
      }
    }
    if (changed) {
      set.accept(next);
    }
    return changed;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static void create(GenericStore<HasMetadata> store, String namespace, HasMetadata obj) {
    try {
      store.create(namespace, obj, false);
    } catch (ApiException e) {
      if (e.code() != 409) {
        throw e;
      }
    }
  }

  private static boolean pause(long ms) {
    try {
      Thread.sleep(ms);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The system namespaces are not there yet (created by another post-start hook). */
  private static final class NotYet extends RuntimeException {
    NotYet(String message) {
      super(message, null, false, false);
    }
  }

  private GenericStore<HasMetadata> store(String resource) {
    return registry.store(RBAC, "v1", resource).orElseThrow();
  }
}
