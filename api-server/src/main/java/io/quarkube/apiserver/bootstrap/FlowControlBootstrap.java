package io.quarkube.apiserver.bootstrap;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchema;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.PriorityLevelConfiguration;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.registry.DeleteOptions;
import io.quarkube.apiserver.registry.GenericStore;
import io.quarkube.apiserver.registry.ListOptions;
import io.quarkube.apiserver.registry.Registry;
import io.quarkube.apiserver.registry.flowcontrol.BootstrapConfiguration;
import io.quarkube.apiserver.registry.flowcontrol.FlowControlDefaults;
import io.quarkube.apiserver.registry.flowcontrol.FlowControlValidation;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Upstream's priority-and-fairness-config-producer post-start hook (its {@code ensurer}): the suggested flow schemas
 * and priority levels are created when missing and kept as the defaults say while their
 * {@code apf.kubernetes.io/autoupdate-spec} annotation is "true" (an object without a valid annotation is taken to
 * be the server's own while its generation is 1, else an administrator's: it gets "false"); the mandatory ones are
 * always put back to their fixed spec; a stored object marked for auto-update that is no longer a default is
 * deleted. Done at start (retried until it succeeds: /readyz waits for it) and again every minute, as upstream.
 */
@Singleton
public class FlowControlBootstrap {
  private static final Logger LOG = Logger.getLogger(FlowControlBootstrap.class);
  static final String GROUP = "flowcontrol.apiserver.k8s.io";
  static final String FIELD_MANAGER = "api-priority-and-fairness-config-producer-v1";

  private final Registry registry;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "apf-bootstrap");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean done;

  public FlowControlBootstrap(Registry registry) {
    this.registry = registry;
  }

  void onStart(@Observes StartupEvent event) {
    timer.execute(this::first);
  }

  /** Whether the configuration was ensured once (upstream's hook is then healthy). */
  public boolean done() {
    return done;
  }

  private void first() {
    try {
      ensure();
      done = true;
      LOG.info("API priority and fairness bootstrap configuration present");
      timer.scheduleWithFixedDelay(this::again, 1, 1, TimeUnit.MINUTES);
    } catch (RuntimeException e) {
      LOG.debugf("API priority and fairness bootstrap configuration not in place yet (%s); retrying", e.toString());
      timer.schedule(this::first, 1, TimeUnit.SECONDS);
    }
  }

  private void again() {
    try {
      ensure();
    } catch (RuntimeException e) {
      LOG.warnf("API priority and fairness bootstrap configuration: %s; retrying in a minute", e.toString());
    }
  }

  void ensure() {
    GenericStore<HasMetadata> levels = registry.store(GROUP, "v1", "prioritylevelconfigurations").orElseThrow();
    GenericStore<HasMetadata> schemas = registry.store(GROUP, "v1", "flowschemas").orElseThrow();
    // Upstream's order: suggested, then mandatory, then what is no longer a default.
    Map<String, HasMetadata> storedLevels = byName(levels);
    Map<String, HasMetadata> storedSchemas = byName(schemas);
    for (PriorityLevelConfiguration pl : BootstrapConfiguration.suggestedPriorityLevels()) {
      ensure(levels, pl, storedLevels.get(pl.getMetadata().getName()), false);
    }
    for (FlowSchema fs : BootstrapConfiguration.suggestedFlowSchemas()) {
      ensure(schemas, fs, storedSchemas.get(fs.getMetadata().getName()), false);
    }
    for (PriorityLevelConfiguration pl : BootstrapConfiguration.mandatoryPriorityLevels()) {
      ensure(levels, pl, storedLevels.get(pl.getMetadata().getName()), true);
    }
    for (FlowSchema fs : BootstrapConfiguration.mandatoryFlowSchemas()) {
      ensure(schemas, fs, storedSchemas.get(fs.getMetadata().getName()), true);
    }
    removeObsolete(levels, storedLevels, BootstrapConfiguration.allPriorityLevels().keySet());
    removeObsolete(schemas, storedSchemas, BootstrapConfiguration.allFlowSchemas().keySet());
  }

  private static Map<String, HasMetadata> byName(GenericStore<HasMetadata> store) {
    Map<String, HasMetadata> out = new HashMap<>();
    for (HasMetadata o : store.list(null, ListOptions.all()).items()) {
      out.put(o.getMetadata().getName(), o);
    }
    return out;
  }

  private static void ensure(GenericStore<HasMetadata> store, HasMetadata wanted, HasMetadata existing,
      boolean mandatory) {
    String name = wanted.getMetadata().getName();
    if (existing == null) {
      try {
        store.create(null, wanted, false, FIELD_MANAGER);
      } catch (ApiException e) {
        if (e.code() != 409) {
          throw e;
        }
      }
      return;
    }
    if (revise(existing, wanted, mandatory) == null) {
      return;
    }
    try {
      store.guaranteedUpdate(null, name, null, null, false, FIELD_MANAGER, current -> {
        HasMetadata revised = revise(current, wanted, mandatory);
        return revised == null ? current : revised;
      });
      LOG.infof("updated %s %s to its default", store.definition().resource(), name);
    } catch (ApiException e) {
      if (e.code() != 404) {
        throw e;
      }
    }
  }

  /**
   * Upstream's ReviseIfNeeded: {@code current} changed to carry the right annotation and, when it is to be
   * auto-updated, the default spec; null when nothing is to change.
   */
  static HasMetadata revise(HasMetadata current, HasMetadata wanted, boolean mandatory) {
    boolean autoUpdate = mandatory || autoUpdates(current);
    Map<String, String> annotations = current.getMetadata().getAnnotations();
    String want = Boolean.toString(autoUpdate);
    boolean annotationChanges = annotations == null || !want.equals(parsedBool(annotations.get(
        BootstrapConfiguration.AUTOUPDATE)));
    boolean specChanges = autoUpdate && !specEqual(current, wanted);
    if (!annotationChanges && !specChanges) {
      return null;
    }
    if (annotationChanges) {
      Map<String, String> next = annotations == null ? new LinkedHashMap<>() : new LinkedHashMap<>(annotations);
      next.put(BootstrapConfiguration.AUTOUPDATE, want);
      current.getMetadata().setAnnotations(next);
    }
    if (specChanges) {
      if (current instanceof FlowSchema fs && wanted instanceof FlowSchema w) {
        fs.setSpec(BootstrapConfiguration.copy(w.getSpec(),
            io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchemaSpec.class));
      } else if (current instanceof PriorityLevelConfiguration pl && wanted instanceof PriorityLevelConfiguration w) {
        pl.setSpec(BootstrapConfiguration.copy(w.getSpec(),
            io.fabric8.kubernetes.api.model.flowcontrol.v1.PriorityLevelConfigurationSpec.class));
      }
    }
    return current;
  }

  /** Upstream's shouldUpdateSpec: the annotation's boolean, else whether the object is still as it was created. */
  static boolean autoUpdates(HasMetadata o) {
    Map<String, String> annotations = o.getMetadata().getAnnotations();
    String value = parsedBool(annotations == null ? null : annotations.get(BootstrapConfiguration.AUTOUPDATE));
    if (value != null) {
      return Boolean.parseBoolean(value);
    }
    return Long.valueOf(1).equals(o.getMetadata().getGeneration());
  }

  /** Go's strconv.ParseBool as "true"/"false", null when the text is not a boolean. */
  private static String parsedBool(String s) {
    if (s == null) {
      return null;
    }
    return switch (s) {
      case "1", "t", "T", "true", "TRUE", "True" -> "true";
      case "0", "f", "F", "false", "FALSE", "False" -> "false";
      default -> null;
    };
  }

  private static boolean specEqual(HasMetadata current, HasMetadata wanted) {
    if (current instanceof FlowSchema fs && wanted instanceof FlowSchema w) {
      FlowSchema have = BootstrapConfiguration.copy(fs, FlowSchema.class);
      FlowControlDefaults.apply(have);
      return FlowControlValidation.semanticallyEqual(have.getSpec(), w.getSpec());
    }
    if (current instanceof PriorityLevelConfiguration pl && wanted instanceof PriorityLevelConfiguration w) {
      PriorityLevelConfiguration have = BootstrapConfiguration.copy(pl, PriorityLevelConfiguration.class);
      FlowControlDefaults.apply(have);
      PriorityLevelConfiguration defaulted = BootstrapConfiguration.copy(w, PriorityLevelConfiguration.class);
      FlowControlDefaults.apply(defaulted);
      return FlowControlValidation.semanticallyEqual(have.getSpec(), defaulted.getSpec());
    }
    return true;
  }

  /** Upstream's RemoveUnwantedObjects: stored objects marked for auto-update that are no longer defaults. */
  private static void removeObsolete(GenericStore<HasMetadata> store, Map<String, HasMetadata> stored,
      java.util.Set<String> defaults) {
    for (HasMetadata o : stored.values()) {
      String name = o.getMetadata().getName();
      Map<String, String> annotations = o.getMetadata().getAnnotations();
      String value = parsedBool(annotations == null ? null : annotations.get(BootstrapConfiguration.AUTOUPDATE));
      if (defaults.contains(name) || !"true".equals(value)) {
        continue;
      }
      try {
        store.delete(null, name, new DeleteOptions(null, null, null, o.getMetadata().getResourceVersion(), false));
        LOG.infof("deleted %s %s: no longer a default", store.definition().resource(), name);
      } catch (ApiException e) {
        if (e.code() != 404 && e.code() != 409) {
          throw e;
        }
      }
    }
  }

  /** For tests: the defaults as this server puts them in place. */
  static List<HasMetadata> defaults() {
    List<HasMetadata> out = new java.util.ArrayList<>();
    out.addAll(BootstrapConfiguration.allPriorityLevels().values());
    out.addAll(BootstrapConfiguration.allFlowSchemas().values());
    return out;
  }
}
