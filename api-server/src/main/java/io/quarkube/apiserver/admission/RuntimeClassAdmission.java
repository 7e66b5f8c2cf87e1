package io.quarkube.apiserver.admission;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.quarkube.machinery.quota.Quantities;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Upstream's RuntimeClass admission plugin (plugin/pkg/admission/runtimeclass) on pod creates: the pod's
 * {@code runtimeClassName} must name an existing RuntimeClass, whose {@code overhead.podFixed} becomes the pod's
 * {@code spec.overhead} and whose {@code scheduling} is merged into the pod's node selector (a conflicting key is
 * refused) and tolerations; a pod may not set an overhead its RuntimeClass does not define. Upstream's mutating and
 * validating halves run here one after the other.
 */
public final class RuntimeClassAdmission implements AdmissionPlugin {
  private final CachedReads runtimeClasses;

  public RuntimeClassAdmission(CachedReads runtimeClasses) {
    this.runtimeClasses = runtimeClasses;
  }

  @Override
  public String name() {
    return "RuntimeClass";
  }

  @Override
  public void admit(AdmissionRequest r) {
    if (!AdmissionErrors.isPodCreate(r)) {
      return;
    }
    PodSpec spec = ((Pod) r.object()).getSpec();
    if (spec == null) {
      return;
    }
    RuntimeClass rc = runtimeClass(r, spec.getRuntimeClassName());
    setOverhead(r, spec, rc);
    setScheduling(r, spec, rc);
  }

  /**
   * Upstream's Validate: the overhead the pod has after every mutation (a mutating webhook's too) must be its
   * RuntimeClass's.
   */
  @Override
  public void validate(AdmissionRequest r) {
    if (!AdmissionErrors.isPodCreate(r)) {
      return;
    }
    PodSpec spec = ((Pod) r.object()).getSpec();
    if (spec == null) {
      return;
    }
    validateOverhead(r, spec, runtimeClass(r, spec.getRuntimeClassName()));
  }

  private RuntimeClass runtimeClass(AdmissionRequest r, String name) {
    if (name == null) {
      return null;
    }
    // CachedReads goes to etcd when its copy lacks the name (upstream's live lookup after a lister miss).
    return (name.isEmpty() ? java.util.Optional.<RuntimeClass>empty()
        : runtimeClasses.find(null, name).map(RuntimeClass.class::cast))
        .orElseThrow(() -> AdmissionErrors.forbidden(r, "pod rejected: RuntimeClass \"" + name + "\" not found"));
  }

  private static Map<String, Quantity> podFixed(RuntimeClass rc) {
    return rc == null || rc.getOverhead() == null ? null : rc.getOverhead().getPodFixed();
  }

  private static boolean isSet(Map<?, ?> m) {
    return m != null && !m.isEmpty();
  }

  static void setOverhead(AdmissionRequest r, PodSpec spec, RuntimeClass rc) {
    Map<String, Quantity> fixed = podFixed(rc);
    if (rc == null || rc.getOverhead() == null) {
      return;
    }
    if (isSet(spec.getOverhead()) && !Quantities.sameAmounts(fixed, spec.getOverhead())) {
      throw AdmissionErrors.forbidden(r, "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead");
    }
    spec.setOverhead(fixed == null ? null : new LinkedHashMap<>(fixed));
  }

  static void setScheduling(AdmissionRequest r, PodSpec spec, RuntimeClass rc) {
    if (rc == null || rc.getScheduling() == null) {
      return;
    }
    Map<String, String> fromClass = rc.getScheduling().getNodeSelector();
    if (isSet(fromClass)) {
      Map<String, String> merged = spec.getNodeSelector() == null ? new LinkedHashMap<>()
          : new LinkedHashMap<>(spec.getNodeSelector());
      for (Map.Entry<String, String> e : fromClass.entrySet()) {
        String podValue = merged.get(e.getKey());
        if (podValue != null && !podValue.equals(e.getValue())) {
          throw AdmissionErrors.forbidden(r, "conflict: runtimeClass.scheduling.nodeSelector[" + e.getKey() + "] = "
              + e.getValue() + "; pod.spec.nodeSelector[" + e.getKey() + "] = " + podValue);
        }
        merged.put(e.getKey(), e.getValue());
      }
      spec.setNodeSelector(merged);
    }
    List<Toleration> merged = mergeTolerations(spec.getTolerations(), rc.getScheduling().getTolerations());
    spec.setTolerations(merged.isEmpty() ? null : merged);
  }

  static void validateOverhead(AdmissionRequest r, PodSpec spec, RuntimeClass rc) {
    if (rc != null && rc.getOverhead() != null) {
      if (!Quantities.sameAmounts(podFixed(rc), spec.getOverhead())) {
        throw AdmissionErrors.forbidden(r,
            "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead");
      }
    } else if (isSet(spec.getOverhead())) {
      throw AdmissionErrors.forbidden(r,
          "pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead");
    }
  }

  /**
   * Upstream's {@code tolerations.MergeTolerations}: both lists in order, leaving out a toleration that one already
   * kept, or one later in the list, tolerates a superset of (equal ones: the first stays).
   */
  static List<Toleration> mergeTolerations(List<Toleration> first, List<Toleration> second) {
    List<Toleration> all = new ArrayList<>();
    if (first != null) {
      all.addAll(first);
    }
    if (second != null) {
      all.addAll(second);
    }
    List<Toleration> merged = new ArrayList<>();
    next:
    for (int i = 0; i < all.size(); i++) {
      Toleration t = all.get(i);
      for (Toleration kept : merged) {
        if (isSuperset(kept, t)) {
          continue next;
        }
      }
      for (int j = i + 1; j < all.size(); j++) {
        Toleration later = all.get(j);
        if (!same(t, later) && isSuperset(later, t)) {
          continue next;
        }
      }
      merged.add(t);
    }
    return merged;
  }

  private static String s(String v) {
    return v == null ? "" : v;
  }

  private static boolean same(Toleration a, Toleration b) {
    return s(a.getKey()).equals(s(b.getKey())) && s(a.getOperator()).equals(s(b.getOperator()))
        && s(a.getValue()).equals(s(b.getValue())) && s(a.getEffect()).equals(s(b.getEffect()))
        && Objects.equals(a.getTolerationSeconds(), b.getTolerationSeconds());
  }

  /** Whether {@code ss} tolerates everything {@code t} does. */
  static boolean isSuperset(Toleration ss, Toleration t) {
    if (same(t, ss)) {
      return true;
    }
    // an empty key with Exists matches every key
    if (!s(t.getKey()).equals(s(ss.getKey())) && (!s(ss.getKey()).isEmpty() || !"Exists".equals(ss.getOperator()))) {
      return false;
    }
    // an empty effect matches every effect
    if (!s(t.getEffect()).equals(s(ss.getEffect())) && !s(ss.getEffect()).isEmpty()) {
      return false;
    }
    if ("NoExecute".equals(ss.getEffect()) && ss.getTolerationSeconds() != null
        && (t.getTolerationSeconds() == null || t.getTolerationSeconds() > ss.getTolerationSeconds())) {
      return false;
    }
    return switch (s(ss.getOperator())) {
      case "Equal", "" -> "Equal".equals(t.getOperator()) && s(t.getValue()).equals(s(ss.getValue()));
      case "Exists" -> true;
      default -> false;
    };
  }
}
