package io.quarkube.apiserver.registry.flowcontrol;

import io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchema;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.registry.Strategy;
import java.util.List;

/**
 * flowcontrol.apiserver.k8s.io/v1 FlowSchemas: upstream's v1 defaults (matchingPrecedence 1000) and validation;
 * spec changes bump the generation; status is written through {@code flowschemas/status} only.
 */
public final class FlowSchemaStrategy implements Strategy<FlowSchema> {
  @Override
  public void prepareForCreate(FlowSchema fs) {
    FlowControlDefaults.apply(fs);
  }

  @Override
  public void prepareForUpdate(FlowSchema fs, FlowSchema old) {
    FlowControlDefaults.apply(fs);
  }

  @Override
  public List<FieldError> validate(FlowSchema fs) {
    return FlowControlValidation.flowSchema(fs);
  }

  @Override
  public boolean tracksGeneration() {
    return true;
  }
}
