package io.quarkube.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.quarkube.apiserver.admission.PodSecurityChecks.Level;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.registry.Registry;
import io.quarkube.apiserver.security.RequestContexts;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Upstream's PodSecurity admission: the namespace labels {@code pod-security.kubernetes.io/enforce|audit|warn}
 * (and {@code -version}) choose a Pod Security Standard; pods that violate the enforced level are refused, the warn
 * level answers with Warning headers, the audit level annotates the audit event. Workloads' pod templates are only
 * warned and audited, as upstream does.
 */
public final class PodSecurityAdmission implements AdmissionPlugin {
  static final String PREFIX = "pod-security.kubernetes.io/";
  private static final Set<String> WORKLOADS = Set.of("/replicationcontrollers", "/podtemplates", "apps/deployments",
      "apps/replicasets", "apps/statefulsets", "apps/daemonsets", "batch/jobs", "batch/cronjobs");

  private final Registry registry;

  private final CachedReads namespaces;

  public PodSecurityAdmission(Registry registry, CachedReads namespaces) {
    this.namespaces = namespaces;
    this.registry = registry;
  }

  @Override
  public String name() {
    return "PodSecurity";
  }

  @Override
  public void admit(AdmissionRequest r) {
    if (r.object() == null || r.namespace() == null || r.operation() == AdmissionRequest.Operation.DELETE
        || r.operation() == AdmissionRequest.Operation.CONNECT) {
      return;
    }
    boolean pod = AdmissionErrors.is(r, "", "pods");
    String key = r.resource().group() + "/" + r.resource().resource();
    if (!pod && !WORKLOADS.contains(key)) {
      return;
    }
    if (r.subresource() != null && !(pod && "ephemeralcontainers".equals(r.subresource()))) {
      return;
    }
    if (pod && r.operation() == AdmissionRequest.Operation.UPDATE && r.subresource() == null
        && specUnchanged(r)) {
      return; // upstream exempts updates that leave the pod spec alone (labels, annotations)
    }
    Optional<HasMetadata> ns = namespaces.find(null, r.namespace());
    if (ns.isEmpty()) {
      return;
    }
    Map<String, String> labels = ns.get().getMetadata().getLabels() == null ? Map.of()
        : ns.get().getMetadata().getLabels();
    ObjectMeta meta;
    PodSpec spec;
    if (pod) {
      meta = r.object().getMetadata();
      spec = ((Pod) r.object()).getSpec();
    } else {
      JsonNode template = templateOf(Json.tree(r.object()), r.resource().resource());
      if (template == null || template.isMissingNode()) {
        return;
      }
      meta = Json.MAPPER.convertValue(template.path("metadata"), ObjectMeta.class);
      spec = Json.MAPPER.convertValue(template.path("spec"), PodSpec.class);
    }
    for (String mode : List.of("enforce", "warn", "audit")) {
      String raw = labels.get(PREFIX + mode);
      if (raw == null) {
        continue;
      }
      Level level = Level.parse(raw);
      if (level == null) {
        level = Level.RESTRICTED; // an unreadable level is enforced at its strictest, as upstream defaults
      }
      String version = labels.getOrDefault(PREFIX + mode + "-version", "latest");
      List<String> violations = PodSecurityChecks.check(level, meta, spec);
      if (violations.isEmpty()) {
        continue;
      }
      String policy = "PodSecurity \"" + level.label() + ":" + version + "\": " + String.join(", ", violations);
      switch (mode) {
        case "enforce" -> {
          if (pod) {
            throw AdmissionErrors.forbidden(r, "violates " + policy);
          }
          RequestContexts.warn("would violate " + policy);
        }
        case "warn" -> RequestContexts.warn("would violate " + policy);
        default -> RequestContexts.annotate("pod-security.kubernetes.io/audit-violations", "would violate " + policy);
      }
    }
  }

  /**
   * Whether an update leaves the pod's spec as stored. The stored pod is the one the update was made from when the
   * request carries it (patches: no second read, and the pods' own equality, which is enough for specs decoded the
   * same way); the JSON comparison settles what equality calls different (a field set to its default, say).
   */
  private boolean specUnchanged(AdmissionRequest r) {
    PodSpec updated = ((Pod) r.object()).getSpec();
    HasMetadata old = r.oldObject() != null ? r.oldObject()
        : registry.store("", "v1", "pods").flatMap(s -> s.find(r.namespace(), r.object().getMetadata().getName()))
            .orElse(null);
    if (!(old instanceof Pod stored)) {
      return false;
    }
    return Objects.equals(stored.getSpec(), updated) || Json.tree(stored.getSpec()).equals(Json.tree(updated));
  }

  private static JsonNode templateOf(JsonNode obj, String resource) {
    return switch (resource) {
      case "cronjobs" -> obj.path("spec").path("jobTemplate").path("spec").path("template");
      case "podtemplates" -> obj.path("template");
      default -> obj.path("spec").path("template");
    };
  }
}
