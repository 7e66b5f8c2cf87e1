package io.quarkube.apiserver.registry.flowcontrol;

import io.fabric8.kubernetes.api.model.flowcontrol.v1beta3.PriorityLevelConfiguration;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.registry.Strategy;
import java.util.List;
import java.util.Map;

/**
 * v1beta3 PriorityLevelConfigurations: upstream's v1beta3 defaulting (a {@code nominalConcurrencyShares} of 0 is 30
 * unless the round-trip annotation says the 0 is meant), then v1's defaults and validation on the v1 form.
 */
public final class PriorityLevelConfigurationV1beta3Strategy implements Strategy<PriorityLevelConfiguration> {
  private static final Class<io.fabric8.kubernetes.api.model.flowcontrol.v1.PriorityLevelConfiguration> V1 =
      io.fabric8.kubernetes.api.model.flowcontrol.v1.PriorityLevelConfiguration.class;

  @Override
  public void prepareForCreate(PriorityLevelConfiguration pl) {
    defaults(pl);
  }

  @Override
  public void prepareForUpdate(PriorityLevelConfiguration pl, PriorityLevelConfiguration old) {
    defaults(pl);
  }

  static void defaults(PriorityLevelConfiguration pl) {
    Map<String, String> annotations = pl.getMetadata().getAnnotations();
    boolean preserveZero = annotations != null && annotations.containsKey(FlowControlConversion.PRESERVE_ZERO_SHARES);
    var limited = pl.getSpec() == null ? null : pl.getSpec().getLimited();
    if (limited != null && !preserveZero
        && (limited.getNominalConcurrencyShares() == null || limited.getNominalConcurrencyShares() == 0)) {
      limited.setNominalConcurrencyShares(FlowControlDefaults.NOMINAL_CONCURRENCY_SHARES);
    }
    var v1 = FlowControlConversion.toV1(pl, V1);
    FlowControlDefaults.apply(v1);
    pl.setSpec(FlowControlConversion.toV1beta3(v1, PriorityLevelConfiguration.class).getSpec());
  }

  @Override
  public List<FieldError> validate(PriorityLevelConfiguration pl) {
    return FlowControlValidation.priorityLevel(FlowControlConversion.toV1(pl, V1), "nominalConcurrencyShares");
  }

  /** Fabric8's v1beta3 model lacks {@code spec.exempt}, which upstream's v1beta3 has: fields are v1's. */
  @Override
  public List<String> pruneUnknownFields(com.fasterxml.jackson.databind.node.ObjectNode body, Class<?> type) {
    return io.quarkube.apiserver.validation.UnknownFields.prune(body, V1);
  }

  @Override
  public boolean tracksGeneration() {
    return true;
  }
}
