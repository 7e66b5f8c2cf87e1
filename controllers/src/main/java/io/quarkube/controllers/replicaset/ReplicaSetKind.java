package io.quarkube.controllers.replicaset;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.quarkube.controllers.support.LabelSelectors;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** apps/v1 ReplicaSet. */
final class ReplicaSetKind implements ReplicatedKind<ReplicaSet> {
  @Override
  public Class<ReplicaSet> type() {
    return ReplicaSet.class;
  }

  @Override
  public String controllerName() {
    return "replicaset";
  }

  @Override
  public String component() {
    return "replicaset-controller";
  }

  @Override
  public int replicas(ReplicaSet rs) {
    return rs.getSpec().getReplicas() == null ? 1 : rs.getSpec().getReplicas();
  }

  @Override
  public int minReadySeconds(ReplicaSet rs) {
    return rs.getSpec().getMinReadySeconds() == null ? 0 : rs.getSpec().getMinReadySeconds();
  }

  @Override
  public PodTemplateSpec template(ReplicaSet rs) {
    return rs.getSpec().getTemplate();
  }

  @Override
  public boolean selects(ReplicaSet rs, Map<String, String> labels) {
    return !LabelSelectors.isEmpty(rs.getSpec().getSelector())
        && LabelSelectors.matches(rs.getSpec().getSelector(), labels);
  }

  @Override
  public ReplicaStatus status(ReplicaSet rs) {
    ReplicaSetStatus s = rs.getStatus();
    if (s == null) {
      return new ReplicaStatus(0, 0, 0, 0, 0, null, null);
    }
    ReplicaSetCondition failure = s.getConditions() == null ? null : s.getConditions().stream()
        .filter(c -> "ReplicaFailure".equals(c.getType())).findFirst().orElse(null);
    return new ReplicaStatus(n(s.getReplicas()), n(s.getFullyLabeledReplicas()), n(s.getReadyReplicas()),
        n(s.getAvailableReplicas()), s.getObservedGeneration() == null ? 0 : s.getObservedGeneration(),
        failure == null ? null : failure.getReason(), failure == null ? null : failure.getMessage());
  }

  @Override
  public ReplicaSet withStatus(ReplicaSet rs, ReplicaStatus st) {
    List<ReplicaSetCondition> conditions = new ArrayList<>();
    if (st.failureReason() != null) {
      conditions.add(new ReplicaSetConditionBuilder().withType("ReplicaFailure").withStatus("True")
          .withReason(st.failureReason()).withMessage(st.failureMessage())
          .withLastTransitionTime(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()).build());
    }
    return new ReplicaSetBuilder(rs).withNewStatus().withReplicas(st.replicas())
        .withFullyLabeledReplicas(st.fullyLabeledReplicas()).withReadyReplicas(st.readyReplicas())
        .withAvailableReplicas(st.availableReplicas()).withObservedGeneration(st.observedGeneration())
        .withConditions(conditions).endStatus().build();
  }

  static int n(Integer i) {
    return i == null ? 0 : i;
  }
}
