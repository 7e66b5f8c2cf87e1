package io.quarkube.apiserver.admission;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.quarkube.apiserver.registry.Registry;
import java.util.Optional;

/**
 * Upstream's Priority admission: a pod's {@code priorityClassName} resolves to its {@code priority} and
 * {@code preemptionPolicy}; without one it takes the global default class, if any, else priority 0. Only one
 * PriorityClass may be the global default.
 */
public final class PriorityAdmission implements AdmissionPlugin {
  private final Registry registry;

  private final CachedReads priorityClasses;

  public PriorityAdmission(Registry registry, CachedReads priorityClasses) {
    this.priorityClasses = priorityClasses;
    this.registry = registry;
  }

  @Override
  public String name() {
    return "Priority";
  }

  @Override
  public void admit(AdmissionRequest r) {
    if (AdmissionErrors.isPodCreate(r)) {
      pod(r, (Pod) r.object());
    } else if (AdmissionErrors.is(r, "scheduling.k8s.io", "priorityclasses") && r.object() != null
        && r.operation() != AdmissionRequest.Operation.DELETE) {
      PriorityClass pc = (PriorityClass) r.object();
      if (Boolean.TRUE.equals(pc.getGlobalDefault())) {
        globalDefault().filter(d -> !d.getMetadata().getName().equals(pc.getMetadata().getName()))
            .ifPresent(d -> {
              throw AdmissionErrors.forbidden(r, "PriorityClass " + d.getMetadata().getName()
                  + " is already marked as default. Only one default can exist");
            });
      }
    }
  }

  private void pod(AdmissionRequest r, Pod pod) {
    if (pod.getSpec() == null) {
      return;
    }
    String name = pod.getSpec().getPriorityClassName();
    int priority;
    String policy = null;
    if (name == null || name.isEmpty()) {
      Optional<PriorityClass> d = globalDefault();
      if (d.isPresent()) {
        pod.getSpec().setPriorityClassName(d.get().getMetadata().getName());
        priority = d.get().getValue();
        policy = d.get().getPreemptionPolicy();
      } else {
        priority = 0;
      }
    } else {
      PriorityClass pc = priorityClasses.find(null, name)
          .map(PriorityClass.class::cast).orElseThrow(() -> AdmissionErrors.forbidden(r,
              "no PriorityClass with name " + name + " was found"));
      priority = pc.getValue();
      policy = pc.getPreemptionPolicy();
    }
    if (pod.getSpec().getPriority() != null && pod.getSpec().getPriority() != priority) {
      throw AdmissionErrors.forbidden(r, "the integer value of priority (" + pod.getSpec().getPriority()
          + ") must not be provided in pod spec; priority admission controller computed " + priority
          + " from the given PriorityClass name");
    }
    pod.getSpec().setPriority(priority);
    if (pod.getSpec().getPreemptionPolicy() == null) {
      pod.getSpec().setPreemptionPolicy(policy == null ? "PreemptLowerPriority" : policy);
    }
  }

  private Optional<PriorityClass> globalDefault() {
    PriorityClass best = null;
    for (HasMetadata o : priorityClasses.list(null)) {
      PriorityClass pc = (PriorityClass) o;
      if (Boolean.TRUE.equals(pc.getGlobalDefault()) && (best == null || pc.getValue() < best.getValue())) {
        best = pc;
      }
    }
    return Optional.ofNullable(best);
  }
}
