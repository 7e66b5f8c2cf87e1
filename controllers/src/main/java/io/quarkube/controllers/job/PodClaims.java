package io.quarkube.controllers.job;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkube.controllers.support.ApiErrors;
import io.quarkube.controllers.support.LabelSelectors;
import io.quarkube.controllers.support.ObjectWriter;
import io.quarkube.controllers.support.Owners;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Job's claim on its namespace's pods (upstream's PodControllerRefManager with the tracking finalizer): a pod the
 * Job's selector matches and nothing controls is adopted (controller reference and tracking finalizer added, so its
 * end is counted like the Job's own pods'); a pod it controls whose labels stopped matching is released (both
 * removed). A Job being deleted neither adopts nor releases.
 */
final class PodClaims {
  private final ObjectWriter writer;

  PodClaims(ObjectWriter writer) {
    this.writer = writer;
  }

  static boolean selects(Job job, Pod pod) {
    return job.getSpec().getSelector() != null && !LabelSelectors.isEmpty(job.getSpec().getSelector())
        && LabelSelectors.matches(job.getSpec().getSelector(), pod.getMetadata().getLabels());
  }

  /** The pods the Job controls after adopting and releasing. */
  List<Pod> claim(Job job, List<Pod> namespacePods) {
    String uid = job.getMetadata().getUid();
    // the API server always gives a Job a selector; without one (a hand-made object) only the references count
    boolean frozen = job.getMetadata().getDeletionTimestamp() != null || job.getSpec().getSelector() == null
        || LabelSelectors.isEmpty(job.getSpec().getSelector());
    List<Pod> owned = new ArrayList<>();
    for (Pod pod : namespacePods) {
      Optional<OwnerReference> ref = Owners.controllerOf(pod);
      boolean matches = selects(job, pod);
      boolean podDeleting = pod.getMetadata().getDeletionTimestamp() != null;
      if (ref.isPresent()) {
        if (!uid.equals(ref.get().getUid())) {
          continue; // another controller's
        }
        if (matches || frozen || podDeleting) {
          owned.add(pod);
        } else {
          release(pod, uid);
        }
      } else if (matches && !frozen && !podDeleting) {
        adopt(job, pod).ifPresent(owned::add);
      }
    }
    return owned;
  }

  private Optional<Pod> adopt(Job job, Pod pod) {
    Pod copy = Serialization.clone(pod);
    List<OwnerReference> refs = new ArrayList<>(Owners.refs(copy));
    refs.add(Owners.controllerRef(job));
    copy.getMetadata().setOwnerReferences(refs);
    List<String> finalizers = copy.getMetadata().getFinalizers() == null ? new ArrayList<>()
        : new ArrayList<>(copy.getMetadata().getFinalizers());
    if (!finalizers.contains(PodTracking.FINALIZER)) {
      finalizers.add(PodTracking.FINALIZER);
    }
    copy.getMetadata().setFinalizers(finalizers);
    try {
      return Optional.of(writer.update(copy));
    } catch (RuntimeException e) {
      if (ApiErrors.isNotFound(e)) {
        return Optional.empty(); // gone
      }
      // changed meanwhile (a conflict): the sync fails and is retried, as upstream's claim does, instead of
      // counting the job's pods without this one and starting a replacement for it
      throw e;
    }
  }

  private void release(Pod pod, String jobUid) {
    Pod copy = Serialization.clone(pod);
    copy.getMetadata().setOwnerReferences(Owners.refs(copy).stream().filter(r -> !jobUid.equals(r.getUid()))
        .toList());
    if (copy.getMetadata().getFinalizers() != null) {
      copy.getMetadata().setFinalizers(copy.getMetadata().getFinalizers().stream()
          .filter(f -> !PodTracking.FINALIZER.equals(f)).toList());
    }
    try {
      writer.update(copy);
    } catch (RuntimeException e) {
      if (!ApiErrors.isNotFound(e) && !ApiErrors.isConflict(e)) {
        throw e;
      }
    }
  }
}
