package io.quarkube.apiserver.registry.flowcontrol;

import io.fabric8.kubernetes.api.model.flowcontrol.v1beta3.FlowSchema;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.registry.Strategy;
import java.util.List;

/** v1beta3 FlowSchemas: v1's defaults and validation on the object converted to v1, as upstream's internal version. */
public final class FlowSchemaV1beta3Strategy implements Strategy<FlowSchema> {
  private static final Class<io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchema> V1 =
      io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchema.class;

  @Override
  public void prepareForCreate(FlowSchema fs) {
    defaults(fs);
  }

  @Override
  public void prepareForUpdate(FlowSchema fs, FlowSchema old) {
    defaults(fs);
  }

  private static void defaults(FlowSchema fs) {
    var v1 = FlowControlConversion.toV1(fs, V1);
    FlowControlDefaults.apply(v1);
    fs.setSpec(FlowControlConversion.toV1beta3(v1, FlowSchema.class).getSpec());
  }

  @Override
  public List<FieldError> validate(FlowSchema fs) {
    return FlowControlValidation.flowSchema(FlowControlConversion.toV1(fs, V1));
  }

  @Override
  public boolean tracksGeneration() {
    return true;
  }
}
