package io.quarkube.controllers.replicaset;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ReplicationControllerBuilder;
import io.fabric8.kubernetes.api.model.ReplicationControllerCondition;
import io.fabric8.kubernetes.api.model.ReplicationControllerConditionBuilder;
import io.fabric8.kubernetes.api.model.ReplicationControllerStatus;
import io.quarkube.controllers.support.LabelSelectors;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** core/v1 ReplicationController: a map selector (defaulted from the template's labels by the API server). */
final class ReplicationControllerKind implements ReplicatedKind<ReplicationController> {
  @Override
  public Class<ReplicationController> type() {
    return ReplicationController.class;
  }

  @Override
  public String controllerName() {
    return "replicationcontroller";
  }

  @Override
  public String component() {
    return "replication-controller";
  }

  @Override
  public int replicas(ReplicationController rc) {
    return rc.getSpec().getReplicas() == null ? 1 : rc.getSpec().getReplicas();
  }

  @Override
  public int minReadySeconds(ReplicationController rc) {
    return rc.getSpec().getMinReadySeconds() == null ? 0 : rc.getSpec().getMinReadySeconds();
  }

  @Override
  public PodTemplateSpec template(ReplicationController rc) {
    return rc.getSpec().getTemplate();
  }

  @Override
  public boolean selects(ReplicationController rc, Map<String, String> labels) {
    Map<String, String> selector = rc.getSpec().getSelector();
    if ((selector == null || selector.isEmpty()) && rc.getSpec().getTemplate() != null
        && rc.getSpec().getTemplate().getMetadata() != null) {
      selector = rc.getSpec().getTemplate().getMetadata().getLabels();
    }
    return LabelSelectors.matches(selector, labels);
  }

  @Override
  public ReplicaStatus status(ReplicationController rc) {
    ReplicationControllerStatus s = rc.getStatus();
    if (s == null) {
      return new ReplicaStatus(0, 0, 0, 0, 0, null, null);
    }
    ReplicationControllerCondition failure = s.getConditions() == null ? null : s.getConditions().stream()
        .filter(c -> "ReplicaFailure".equals(c.getType())).findFirst().orElse(null);
    return new ReplicaStatus(ReplicaSetKind.n(s.getReplicas()), ReplicaSetKind.n(s.getFullyLabeledReplicas()),
        ReplicaSetKind.n(s.getReadyReplicas()), ReplicaSetKind.n(s.getAvailableReplicas()),
        s.getObservedGeneration() == null ? 0 : s.getObservedGeneration(),
        failure == null ? null : failure.getReason(), failure == null ? null : failure.getMessage());
  }

  @Override
  public ReplicationController withStatus(ReplicationController rc, ReplicaStatus st) {
    List<ReplicationControllerCondition> conditions = new ArrayList<>();
    if (st.failureReason() != null) {
      conditions.add(new ReplicationControllerConditionBuilder().withType("ReplicaFailure").withStatus("True")
          .withReason(st.failureReason()).withMessage(st.failureMessage())
          .withLastTransitionTime(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()).build());
    }
    return new ReplicationControllerBuilder(rc).withNewStatus().withReplicas(st.replicas())
        .withFullyLabeledReplicas(st.fullyLabeledReplicas()).withReadyReplicas(st.readyReplicas())
        .withAvailableReplicas(st.availableReplicas()).withObservedGeneration(st.observedGeneration())
        .withConditions(conditions).endStatus().build();
  }
}
