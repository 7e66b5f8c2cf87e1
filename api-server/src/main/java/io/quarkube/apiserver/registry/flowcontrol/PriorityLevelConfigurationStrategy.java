package io.quarkube.apiserver.registry.flowcontrol;

import io.fabric8.kubernetes.api.model.flowcontrol.v1.PriorityLevelConfiguration;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.registry.Strategy;
import java.util.List;

/**
 * flowcontrol.apiserver.k8s.io/v1 PriorityLevelConfigurations: upstream's v1 defaults (nominalConcurrencyShares 30,
 * lendablePercent 0, queuing 64 queues / hand size 8 / queue length 50) and validation; spec changes bump the
 * generation.
 */
public final class PriorityLevelConfigurationStrategy implements Strategy<PriorityLevelConfiguration> {
  @Override
  public void prepareForCreate(PriorityLevelConfiguration pl) {
    FlowControlDefaults.apply(pl);
  }

  @Override
  public void prepareForUpdate(PriorityLevelConfiguration pl, PriorityLevelConfiguration old) {
    FlowControlDefaults.apply(pl);
  }

  @Override
  public List<FieldError> validate(PriorityLevelConfiguration pl) {
    return FlowControlValidation.priorityLevel(pl, "nominalConcurrencyShares");
  }

  @Override
  public boolean tracksGeneration() {
    return true;
  }
}
