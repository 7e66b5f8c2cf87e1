package io.quarkube.apiserver.flowcontrol;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchema;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.PriorityLevelConfiguration;
import io.quarkube.apiserver.auth.UserInfo;
import io.quarkube.apiserver.authz.ObjectCache;
import io.quarkube.apiserver.registry.Registry;
import io.quarkube.apiserver.registry.flowcontrol.BootstrapConfiguration;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Upstream's API priority and fairness classification, without the limiting: every request after authentication is
 * matched against the FlowSchemas (lowest matchingPrecedence first, then name) and answered with the UIDs of the
 * schema and its priority level in upstream's {@code X-Kubernetes-PF-*} headers. Nothing here rejects or delays a
 * request. The schemas come from watch-fed copies of both resources, compiled into a sorted array whenever either
 * changes, so a request reads one volatile field and walks arrays; schemas whose priority level does not exist are
 * passed over (and marked Dangling by {@link DanglingConditions}), as upstream's config controller does.
 */
@Singleton
public class FlowClassifier {
  public static final CharSequence FLOW_SCHEMA_UID = HttpHeaders.createOptimized("X-Kubernetes-PF-FlowSchema-UID");
  public static final CharSequence PRIORITY_LEVEL_UID =
      HttpHeaders.createOptimized("X-Kubernetes-PF-PriorityLevel-UID");
  static final String GROUP = "flowcontrol.apiserver.k8s.io";

  private final ObjectCache flowSchemas;
  private final ObjectCache priorityLevels;
  private final DanglingConditions dangling;
  private volatile CompiledSchema[] schemas;

  public FlowClassifier(Registry registry) {
    this.flowSchemas = new ObjectCache(registry.store(GROUP, "v1", "flowschemas").orElseThrow(), Map.of());
    this.priorityLevels = new ObjectCache(registry.store(GROUP, "v1", "prioritylevelconfigurations").orElseThrow(),
        Map.of());
    this.dangling = new DanglingConditions(registry.store(GROUP, "v1", "flowschemas").orElseThrow());
    this.schemas = compile(List.of(), List.of());
    flowSchemas.onChange(this::refresh);
    priorityLevels.onChange(this::refresh);
    flowSchemas.start();
    priorityLevels.start();
  }

  @PreDestroy
  void stop() {
    flowSchemas.stop();
    priorityLevels.stop();
    dangling.stop();
  }

  /** Whether both copies hold their first list (upstream's priority-and-fairness-config-consumer). */
  public boolean synced() {
    return flowSchemas.awaitSynced(Duration.ZERO) && priorityLevels.awaitSynced(Duration.ZERO);
  }

  /** The schema a resource request matches (the catch-all one when none does). */
  public Classification classifyResource(UserInfo user, String verb, String group, String resource,
      String subresource, String namespace) {
    CompiledSchema[] all = schemas;
    for (CompiledSchema s : all) {
      if (s.matchesResource(user, verb, group, resource, subresource, namespace)) {
        return s.classification;
      }
    }
    return all[all.length - 1].classification;
  }

  /** The schema a non-resource request ({@code get /healthz}) matches. */
  public Classification classifyNonResource(UserInfo user, String verb, String path) {
    CompiledSchema[] all = schemas;
    for (CompiledSchema s : all) {
      if (s.matchesNonResource(user, verb, path)) {
        return s.classification;
      }
    }
    return all[all.length - 1].classification;
  }

  /** Puts upstream's two response headers. */
  public static void answer(MultiMap headers, Classification c) {
    headers.set(FLOW_SCHEMA_UID, c.flowSchemaUid());
    headers.set(PRIORITY_LEVEL_UID, c.priorityLevelUid());
  }

  private synchronized void refresh() {
    if (!flowSchemas.synced() || !priorityLevels.synced()) {
      return;
    }
    List<FlowSchema> fs = new ArrayList<>();
    for (HasMetadata o : flowSchemas.all()) {
      fs.add((FlowSchema) o);
    }
    List<PriorityLevelConfiguration> pls = new ArrayList<>();
    for (HasMetadata o : priorityLevels.all()) {
      pls.add((PriorityLevelConfiguration) o);
    }
    schemas = compile(fs, pls);
    dangling.sync(fs, pls);
  }

  /**
   * The schemas in matching order, each with its priority level's UID; the mandatory exempt and catch-all schemas
   * (and levels) stand in with empty UIDs while they are not stored, so the last schema always matches everyone.
   */
  static CompiledSchema[] compile(List<FlowSchema> flowSchemas, List<PriorityLevelConfiguration> levels) {
    Map<String, String> levelUids = new HashMap<>();
    for (PriorityLevelConfiguration pl : levels) {
      levelUids.put(pl.getMetadata().getName(), Objects.toString(pl.getMetadata().getUid(), ""));
    }
    for (PriorityLevelConfiguration pl : BootstrapConfiguration.mandatoryPriorityLevels()) {
      levelUids.putIfAbsent(pl.getMetadata().getName(), "");
    }
    List<CompiledSchema> out = new ArrayList<>();
    boolean haveExempt = false;
    boolean haveCatchAll = false;
    for (FlowSchema fs : flowSchemas) {
      if (fs.getSpec() == null || fs.getSpec().getPriorityLevelConfiguration() == null) {
        continue;
      }
      String uid = levelUids.get(fs.getSpec().getPriorityLevelConfiguration().getName());
      if (uid == null) {
        continue; // dangling: upstream ignores the schema until its level exists
      }
      out.add(new CompiledSchema(fs, uid));
      haveExempt |= BootstrapConfiguration.EXEMPT.equals(fs.getMetadata().getName());
      haveCatchAll |= BootstrapConfiguration.CATCH_ALL.equals(fs.getMetadata().getName());
    }
    out.sort(Comparator.<CompiledSchema>comparingInt(s -> s.precedence).thenComparing(s -> s.name));
    if (!haveExempt) {
      out.add(0, new CompiledSchema(BootstrapConfiguration.mandatoryFlowSchema(BootstrapConfiguration.EXEMPT),
          levelUids.get(BootstrapConfiguration.EXEMPT)));
    }
    // The catch-all goes last even when a stored schema has a larger precedence: it is also the fallback for a
    // request nothing matches (upstream's controller falls back to it the same way).
    CompiledSchema catchAll = null;
    for (int i = 0; i < out.size(); i++) {
      if (out.get(i).name.equals(BootstrapConfiguration.CATCH_ALL)) {
        catchAll = out.get(i);
      }
    }
    if (!haveCatchAll) {
      out.add(new CompiledSchema(BootstrapConfiguration.mandatoryFlowSchema(BootstrapConfiguration.CATCH_ALL),
          levelUids.get(BootstrapConfiguration.CATCH_ALL)));
    } else if (out.get(out.size() - 1) != catchAll) {
      out.add(catchAll); // kept in its place too; appended once more only as the fallback
    }
    return out.toArray(CompiledSchema[]::new);
  }
}
