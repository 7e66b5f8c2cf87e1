package io.quarkube.machinery.status;

import io.fabric8.kubernetes.api.model.ReplicationControllerStatus;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;

/**
 * Workload statuses as upstream's Go types serialize them. Their counters are plain {@code int32}/{@code int64}: those
 * tagged {@code omitempty} never appear when zero ({@code readyReplicas: 0} is not in a scaled-down ReplicaSet's
 * status), the others always appear ({@code replicas: 0} is). The Fabric8 model holds each as a nullable box, so a
 * client may send either form; the API server stores the upstream one, and the controllers build the same, so that
 * comparing what they want with what is stored does not see a difference where there is none.
 *
 * <p>Pointer fields ({@code *int32} upstream: Deployment and ReplicaSet {@code terminatingReplicas},
 * {@code collisionCount}, Job {@code ready} and {@code terminating}) keep an explicit zero, as upstream does.
 * Each method changes its argument in place and returns it; null stays null.
 */
public final class WorkloadStatuses {
  private WorkloadStatuses() {}

  public static DeploymentStatus normalize(DeploymentStatus s) {
    if (s != null) {
      s.setObservedGeneration(omit(s.getObservedGeneration()));
      s.setReplicas(omit(s.getReplicas()));
      s.setUpdatedReplicas(omit(s.getUpdatedReplicas()));
      s.setReadyReplicas(omit(s.getReadyReplicas()));
      s.setAvailableReplicas(omit(s.getAvailableReplicas()));
      s.setUnavailableReplicas(omit(s.getUnavailableReplicas()));
    }
    return s;
  }

  public static ReplicaSetStatus normalize(ReplicaSetStatus s) {
    if (s != null) {
      s.setReplicas(keep(s.getReplicas()));
      s.setFullyLabeledReplicas(omit(s.getFullyLabeledReplicas()));
      s.setReadyReplicas(omit(s.getReadyReplicas()));
      s.setAvailableReplicas(omit(s.getAvailableReplicas()));
      s.setObservedGeneration(omit(s.getObservedGeneration()));
    }
    return s;
  }

  public static ReplicationControllerStatus normalize(ReplicationControllerStatus s) {
    if (s != null) {
      s.setReplicas(keep(s.getReplicas()));
      s.setFullyLabeledReplicas(omit(s.getFullyLabeledReplicas()));
      s.setReadyReplicas(omit(s.getReadyReplicas()));
      s.setAvailableReplicas(omit(s.getAvailableReplicas()));
      s.setObservedGeneration(omit(s.getObservedGeneration()));
    }
    return s;
  }

  public static StatefulSetStatus normalize(StatefulSetStatus s) {
    if (s != null) {
      s.setObservedGeneration(omit(s.getObservedGeneration()));
      s.setReplicas(keep(s.getReplicas()));
      s.setReadyReplicas(omit(s.getReadyReplicas()));
      s.setCurrentReplicas(omit(s.getCurrentReplicas()));
      s.setUpdatedReplicas(omit(s.getUpdatedReplicas()));
      s.setCurrentRevision(omit(s.getCurrentRevision()));
      s.setUpdateRevision(omit(s.getUpdateRevision()));
      s.setAvailableReplicas(keep(s.getAvailableReplicas()));
    }
    return s;
  }

  public static DaemonSetStatus normalize(DaemonSetStatus s) {
    if (s != null) {
      s.setCurrentNumberScheduled(keep(s.getCurrentNumberScheduled()));
      s.setNumberMisscheduled(keep(s.getNumberMisscheduled()));
      s.setDesiredNumberScheduled(keep(s.getDesiredNumberScheduled()));
      s.setNumberReady(keep(s.getNumberReady()));
      s.setObservedGeneration(omit(s.getObservedGeneration()));
      s.setUpdatedNumberScheduled(omit(s.getUpdatedNumberScheduled()));
      s.setNumberAvailable(omit(s.getNumberAvailable()));
      s.setNumberUnavailable(omit(s.getNumberUnavailable()));
    }
    return s;
  }

  public static JobStatus normalize(JobStatus s) {
    if (s != null) {
      s.setActive(omit(s.getActive()));
      s.setSucceeded(omit(s.getSucceeded()));
      s.setFailed(omit(s.getFailed()));
      s.setCompletedIndexes(omit(s.getCompletedIndexes()));
    }
    return s;
  }

  /** An {@code omitempty} counter: zero is left out. */
  private static Integer omit(Integer v) {
    return v == null || v == 0 ? null : v;
  }

  private static Long omit(Long v) {
    return v == null || v == 0 ? null : v;
  }

  private static String omit(String v) {
    return v == null || v.isEmpty() ? null : v;
  }

  /** A counter without {@code omitempty}: always there, zero when unset. */
  private static Integer keep(Integer v) {
    return v == null ? 0 : v;
  }
}
