package io.quarkube.machinery.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import org.junit.jupiter.api.Test;

class WorkloadStatusesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static String json(Object o) throws Exception {
    return JSON.writeValueAsString(o);
  }

  @Test
  void zeroOmitemptyCountersAreLeftOutAndRequiredOnesAlwaysThere() throws Exception {
    assertEquals("{\"replicas\":0,\"observedGeneration\":2}".length(), json(WorkloadStatuses.normalize(
        new ReplicaSetStatusBuilder().withReplicas(0).withFullyLabeledReplicas(0).withReadyReplicas(0)
            .withAvailableReplicas(0).withObservedGeneration(2L).build())).length());
    assertEquals("{\"availableReplicas\":3,\"observedGeneration\":4,\"replicas\":3,\"updatedReplicas\":3}",
        json(WorkloadStatuses.normalize(new DeploymentStatusBuilder().withReplicas(3).withUpdatedReplicas(3)
            .withReadyReplicas(0).withAvailableReplicas(3).withUnavailableReplicas(0).withObservedGeneration(4L)
            .build())));
    assertEquals("{\"availableReplicas\":0,\"replicas\":0}", json(WorkloadStatuses.normalize(
        new StatefulSetStatusBuilder().withCurrentRevision("").withReadyReplicas(0).build())));
    assertEquals("{\"currentNumberScheduled\":0,\"desiredNumberScheduled\":0,\"numberMisscheduled\":0,"
        + "\"numberReady\":0}", json(WorkloadStatuses.normalize(new DaemonSetStatus())));
  }

  @Test
  void pointerCountersKeepAnExplicitZero() throws Exception {
    assertEquals("{\"ready\":0,\"terminating\":0}", json(WorkloadStatuses.normalize(new JobStatusBuilder()
        .withActive(0).withSucceeded(0).withFailed(0).withReady(0).withTerminating(0).withCompletedIndexes("")
        .build())));
    assertEquals("{\"collisionCount\":0,\"terminatingReplicas\":0}", json(WorkloadStatuses.normalize(
        new DeploymentStatusBuilder().withCollisionCount(0).withTerminatingReplicas(0).withReplicas(0).build())));
  }
}
