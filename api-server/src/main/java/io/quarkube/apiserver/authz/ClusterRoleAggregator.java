package io.quarkube.apiserver.authz;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.quarkube.apiserver.selection.LabelSelectors;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.registry.GenericStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * ClusterRole aggregation (upstream's clusterrole-aggregation controller, run inside the API server here): a role
 * with an {@code aggregationRule} holds the union of the rules of every cluster role its selectors match, kept
 * current whenever a cluster role changes.
 */
public final class ClusterRoleAggregator {
  private static final Logger LOG = Logger.getLogger(ClusterRoleAggregator.class);

  private final ObjectCache roles;
  private final GenericStore<HasMetadata> store;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "clusterrole-aggregation");
    t.setDaemon(true);
    return t;
  });
  private final AtomicBoolean pending = new AtomicBoolean();

  public ClusterRoleAggregator(ObjectCache roles, GenericStore<HasMetadata> store) {
    this.roles = roles;
    this.store = store;
  }

  /** Re-aggregates after every change, coalescing bursts into one pass on a worker thread. */
  public ClusterRoleAggregator start() {
    roles.onChange(() -> {
      if (pending.compareAndSet(false, true)) {
        worker.execute(this::sync);
      }
    });
    return this;
  }

  public void stop() {
    worker.shutdownNow();
  }

  private void sync() {
    pending.set(false);
    List<ClusterRole> all = new ArrayList<>();
    for (HasMetadata o : roles.all()) {
      all.add((ClusterRole) o);
    }
    for (ClusterRole target : all) {
      if (target.getAggregationRule() == null) {
        continue;
      }
      List<PolicyRule> wanted = aggregate(target, all);
      if (Objects.equals(Json.MAPPER.valueToTree(nn(target.getRules())), Json.MAPPER.valueToTree(wanted))) {
        continue;
      }
      try {
        store.guaranteedUpdate(null, target.getMetadata().getName(), null, null, false, current -> {
          ((ClusterRole) current).setRules(wanted);
          return current;
        });
      } catch (ApiException e) {
        LOG.debugf("aggregating %s: %s", target.getMetadata().getName(), e.getMessage());
      }
    }
  }

  /** The union of the matching roles' rules, in name order, without duplicates (each source's own rules only). */
  public static List<PolicyRule> aggregate(ClusterRole target, Collection<ClusterRole> all) {
    Set<String> seen = new LinkedHashSet<>();
    List<PolicyRule> out = new ArrayList<>();
    List<ClusterRole> sorted = new ArrayList<>(all);
    sorted.sort(Comparator.comparing(c -> c.getMetadata().getName()));
    for (LabelSelector selector : target.getAggregationRule().getClusterRoleSelectors() == null
        ? List.<LabelSelector>of() : target.getAggregationRule().getClusterRoleSelectors()) {
      for (ClusterRole source : sorted) {
        if (source.getMetadata().getName().equals(target.getMetadata().getName())
            || !matches(selector, source.getMetadata().getLabels())) {
          continue;
        }
        for (PolicyRule r : nn(source.getRules())) {
          if (seen.add(Json.MAPPER.valueToTree(r).toString())) {
            out.add(r);
          }
        }
      }
    }
    return out;
  }

  /** Aggregation selects nothing with an empty selector (upstream skips it), unlike workload selectors. */
  public static boolean matches(LabelSelector s, Map<String, String> labels) {
    return s != null && !LabelSelectors.isEmpty(s) && LabelSelectors.matches(s, labels);
  }

  private static List<PolicyRule> nn(List<PolicyRule> l) {
    return l == null ? List.of() : l;
  }
}
