package io.quarkube.controllers.replicaset;

/**
 * The status both kinds report. {@code failure} is the ReplicaFailure condition's message (null: no condition).
 */
record ReplicaStatus(int replicas, int fullyLabeledReplicas, int readyReplicas, int availableReplicas,
    long observedGeneration, String failureReason, String failureMessage) {
}
