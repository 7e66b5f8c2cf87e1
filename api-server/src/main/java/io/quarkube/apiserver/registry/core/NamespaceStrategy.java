package io.quarkube.apiserver.registry.core;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceSpec;
import io.fabric8.kubernetes.api.model.NamespaceStatus;
import io.quarkube.apiserver.registry.Strategy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Namespaces start Active with the {@code kubernetes} finalizer, which the namespace controller removes (through
 * the {@code finalize} subresource) once everything in the namespace is gone.
 */
public final class NamespaceStrategy implements Strategy<Namespace> {
  public static final String FINALIZER = "kubernetes";

  @Override
  public void prepareForCreate(Namespace ns) {
    ns.setSpec(new NamespaceSpec(List.of(FINALIZER)));
    ns.setStatus(new NamespaceStatus(null, "Active"));
    Map<String, String> labels = ns.getMetadata().getLabels() == null ? new HashMap<>()
        : new HashMap<>(ns.getMetadata().getLabels());
    // Upstream sets this label on every namespace so that selectors can name namespaces.
    labels.put("kubernetes.io/metadata.name", ns.getMetadata().getName());
    ns.getMetadata().setLabels(labels);
  }

  @Override
  public void prepareForUpdate(Namespace ns, Namespace old) {
    Map<String, String> labels = ns.getMetadata().getLabels() == null ? new HashMap<>()
        : new HashMap<>(ns.getMetadata().getLabels());
    labels.put("kubernetes.io/metadata.name", ns.getMetadata().getName());
    ns.getMetadata().setLabels(labels);
    if (ns.getSpec() == null || ns.getSpec().getFinalizers() == null) {
      ns.setSpec(old.getSpec());
    }
  }

  @Override
  public NameRule nameRule() {
    return NameRule.DNS1123_LABEL;
  }

  @Override
  public Set<String> selectableFields() {
    return Set.of("status.phase");
  }

  @Override
  public Map<String, String> fieldValues(Namespace ns) {
    return Map.of("status.phase", ns.getStatus() == null ? "" : Objects.toString(ns.getStatus().getPhase(), ""));
  }

  @Override
  public boolean resetsStatusOnCreate() {
    return true;
  }

  /** Spec finalizers hold a namespace like metadata finalizers hold any object. */
  @Override
  public List<String> deletionBlockers(Namespace ns) {
    return ns.getSpec() == null || ns.getSpec().getFinalizers() == null ? List.of() : ns.getSpec().getFinalizers();
  }

  @Override
  public void markDeleting(Namespace ns) {
    if (ns.getStatus() == null) {
      ns.setStatus(new NamespaceStatus());
    }
    ns.getStatus().setPhase("Terminating");
  }
}
