package io.quarkube.apiserver.flowcontrol;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchema;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchemaCondition;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchemaStatus;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.PriorityLevelConfiguration;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.registry.GenericStore;
import io.quarkube.apiserver.registry.flowcontrol.BootstrapConfiguration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Upstream's config controller's status writes: each FlowSchema's {@code Dangling} condition says whether the
 * priority level it names exists (True/NotFound, False/Found, with upstream's messages). Written through
 * {@code flowschemas/status} on a thread of its own (never on the watch thread that reported the change), only
 * where the condition differs; the write comes back through the watch and then finds nothing to change.
 */
final class DanglingConditions {
  private static final Logger LOG = Logger.getLogger(DanglingConditions.class);
  static final String TYPE = "Dangling";
  static final String FIELD_MANAGER = "api-priority-and-fairness-config-consumer-v1";

  private final GenericStore<HasMetadata> store;
  private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "apf-status");
    t.setDaemon(true);
    return t;
  });
  /** Schemas with a write queued, so a burst of changes queues one write per schema. */
  private final Set<String> queued = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** The priority levels as last seen: a queued write decides by these, not by those of when it was queued. */
  private volatile Set<String> levelNames = Set.of();

  DanglingConditions(GenericStore<HasMetadata> store) {
    this.store = store;
  }

  void stop() {
    writer.shutdownNow();
  }

  void sync(List<FlowSchema> schemas, List<PriorityLevelConfiguration> levels) {
    Set<String> levelNames = new HashSet<>();
    for (PriorityLevelConfiguration pl : levels) {
      levelNames.add(pl.getMetadata().getName());
    }
    for (PriorityLevelConfiguration pl : BootstrapConfiguration.mandatoryPriorityLevels()) {
      levelNames.add(pl.getMetadata().getName()); // imagined while missing, as upstream
    }
    this.levelNames = Set.copyOf(levelNames);
    for (FlowSchema fs : schemas) {
      if (fs.getSpec() == null || fs.getSpec().getPriorityLevelConfiguration() == null) {
        continue;
      }
      FlowSchemaCondition want = desired(fs.getSpec().getPriorityLevelConfiguration().getName(), levelNames);
      if (!same(current(fs), want) && queued.add(fs.getMetadata().getName())) {
        String name = fs.getMetadata().getName();
        writer.execute(() -> write(name));
      }
    }
  }

  /** The condition as upstream's presyncFlowSchemaStatus would have it. */
  static FlowSchemaCondition desired(String level, Set<String> levelNames) {
    boolean found = levelNames.contains(level);
    FlowSchemaCondition c = new FlowSchemaCondition();
    c.setType(TYPE);
    c.setStatus(found ? "False" : "True");
    c.setReason(found ? "Found" : "NotFound");
    c.setMessage(found
        ? "This FlowSchema references the PriorityLevelConfiguration object named \"" + level + "\" and it exists"
        : "This FlowSchema references the PriorityLevelConfiguration object named \"" + level
            + "\" but there is no such object");
    return c;
  }

  static FlowSchemaCondition current(FlowSchema fs) {
    if (fs.getStatus() == null || fs.getStatus().getConditions() == null) {
      return null;
    }
    for (FlowSchemaCondition c : fs.getStatus().getConditions()) {
      if (TYPE.equals(c.getType())) {
        return c;
      }
    }
    return null;
  }

  static boolean same(FlowSchemaCondition have, FlowSchemaCondition want) {
    return have != null && Objects.equals(have.getStatus(), want.getStatus())
        && Objects.equals(have.getReason(), want.getReason()) && Objects.equals(have.getMessage(), want.getMessage());
  }

  /** Writes the condition against the stored schema (its level may have changed since the change was seen). */
  private void write(String name) {
    queued.remove(name);
    Set<String> levelNames = this.levelNames;
    try {
      store.guaranteedUpdate(null, name, null, "status", false, FIELD_MANAGER, o -> {
        FlowSchema fs = (FlowSchema) o;
        FlowSchemaCondition want = desired(fs.getSpec().getPriorityLevelConfiguration().getName(), levelNames);
        if (same(current(fs), want)) {
          return fs;
        }
        want.setLastTransitionTime(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        if (fs.getStatus() == null) {
          fs.setStatus(new FlowSchemaStatus());
        }
        List<FlowSchemaCondition> conditions = new ArrayList<>();
        if (fs.getStatus().getConditions() != null) {
          for (FlowSchemaCondition c : fs.getStatus().getConditions()) {
            if (!TYPE.equals(c.getType())) {
              conditions.add(c);
            }
          }
        }
        conditions.add(want);
        fs.getStatus().setConditions(conditions);
        return fs;
      });
    } catch (ApiException e) {
      // a deleted schema needs nothing more; a refused write would be refused again
      if (e.code() >= 500 || e.code() == 409 || e.code() == 429) {
        retry(name, e);
      } else if (e.code() != 404) {
        LOG.debugf("Dangling condition of FlowSchema %s not written: %s", name, e.getMessage());
      }
    } catch (RuntimeException e) {
      retry(name, e);
    }
  }

  /** etcd unavailable or slow: tried again later (no change of the schema may come to trigger it). */
  private void retry(String name, Exception e) {
    LOG.debugf("Dangling condition of FlowSchema %s not written: %s; retrying", name, e.toString());
    if (queued.add(name)) {
      writer.schedule(() -> write(name), 5, TimeUnit.SECONDS);
    }
  }
}
