package io.quarkube.apiserver.registry.flowcontrol;

import io.fabric8.kubernetes.api.model.flowcontrol.v1.ExemptPriorityLevelConfiguration;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchema;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.LimitResponse;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.LimitedPriorityLevelConfiguration;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.PriorityLevelConfiguration;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.QueuingConfiguration;

/** Upstream's {@code pkg/apis/flowcontrol/v1/defaults.go}. */
public final class FlowControlDefaults {
  static final int MATCHING_PRECEDENCE = 1000;
  static final int NOMINAL_CONCURRENCY_SHARES = 30;
  static final int QUEUES = 64;
  static final int HAND_SIZE = 8;
  static final int QUEUE_LENGTH_LIMIT = 50;

  private FlowControlDefaults() {}

  public static void apply(FlowSchema fs) {
    if (fs.getSpec() != null && (fs.getSpec().getMatchingPrecedence() == null
        || fs.getSpec().getMatchingPrecedence() == 0)) {
      fs.getSpec().setMatchingPrecedence(MATCHING_PRECEDENCE);
    }
  }

  public static void apply(PriorityLevelConfiguration pl) {
    if (pl.getSpec() == null) {
      return;
    }
    ExemptPriorityLevelConfiguration exempt = pl.getSpec().getExempt();
    if (exempt != null) {
      if (exempt.getNominalConcurrencyShares() == null) {
        exempt.setNominalConcurrencyShares(0);
      }
      if (exempt.getLendablePercent() == null) {
        exempt.setLendablePercent(0);
      }
    }
    LimitedPriorityLevelConfiguration limited = pl.getSpec().getLimited();
    if (limited != null) {
      if (limited.getNominalConcurrencyShares() == null) {
        limited.setNominalConcurrencyShares(NOMINAL_CONCURRENCY_SHARES);
      }
      if (limited.getLendablePercent() == null) {
        limited.setLendablePercent(0);
      }
      LimitResponse response = limited.getLimitResponse();
      if (response == null) {
        // The Go field is a struct, never nil: an absent limitResponse is an empty one (and fails validation).
        response = new LimitResponse();
        limited.setLimitResponse(response);
      }
      QueuingConfiguration q = response.getQueuing();
      if (q != null) {
        if (q.getHandSize() == null || q.getHandSize() == 0) {
          q.setHandSize(HAND_SIZE);
        }
        if (q.getQueues() == null || q.getQueues() == 0) {
          q.setQueues(QUEUES);
        }
        if (q.getQueueLengthLimit() == null || q.getQueueLengthLimit() == 0) {
          q.setQueueLengthLimit(QUEUE_LENGTH_LIMIT);
        }
      }
    }
  }
}
