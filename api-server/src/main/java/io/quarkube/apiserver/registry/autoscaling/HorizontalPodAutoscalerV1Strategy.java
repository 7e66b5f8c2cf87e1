package io.quarkube.apiserver.registry.autoscaling;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.autoscaling.v1.HorizontalPodAutoscaler;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.registry.GenericStore;
import io.quarkube.apiserver.registry.Strategy;
import java.util.List;

/**
 * autoscaling/v1 HorizontalPodAutoscalers: the same objects as autoscaling/v2's, stored in v2 (upstream's storage
 * version). Defaulting and validation are v2's, on the object converted to v2 (as upstream runs them on the internal
 * version), and what defaulting adds is converted back; the store reads and writes through {@link #STORAGE}.
 */
public final class HorizontalPodAutoscalerV1Strategy implements Strategy<HorizontalPodAutoscaler> {
  /** v1 objects are stored as v2's JSON. */
  public static final GenericStore.StorageConversion<HorizontalPodAutoscaler> STORAGE =
      new GenericStore.StorageConversion<>() {
        @Override
        public HorizontalPodAutoscaler fromStorage(byte[] stored) {
          return HorizontalPodAutoscalerConversion.toV1(
              Json.read(stored, io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler.class));
        }

        @Override
        public HasMetadata toStorage(HorizontalPodAutoscaler object) {
          return HorizontalPodAutoscalerConversion.toV2(object);
        }
      };

  private final HorizontalPodAutoscalerStrategy v2 = new HorizontalPodAutoscalerStrategy();

  @Override
  public void prepareForCreate(HorizontalPodAutoscaler hpa) {
    var converted = HorizontalPodAutoscalerConversion.toV2(hpa);
    v2.prepareForCreate(converted);
    copyBack(converted, hpa);
  }

  @Override
  public void prepareForUpdate(HorizontalPodAutoscaler hpa, HorizontalPodAutoscaler old) {
    var converted = HorizontalPodAutoscalerConversion.toV2(hpa);
    v2.prepareForUpdate(converted, HorizontalPodAutoscalerConversion.toV2(old));
    copyBack(converted, hpa);
  }

  private static void copyBack(io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler from,
      HorizontalPodAutoscaler to) {
    HorizontalPodAutoscaler back = HorizontalPodAutoscalerConversion.toV1(from);
    to.setSpec(back.getSpec());
    to.getMetadata().setAnnotations(back.getMetadata().getAnnotations());
  }

  @Override
  public List<FieldError> validate(HorizontalPodAutoscaler hpa) {
    return v2.validate(HorizontalPodAutoscalerConversion.toV2(hpa));
  }

  @Override
  public List<FieldError> validateUpdate(HorizontalPodAutoscaler hpa, HorizontalPodAutoscaler old) {
    return v2.validateUpdate(HorizontalPodAutoscalerConversion.toV2(hpa), HorizontalPodAutoscalerConversion.toV2(old));
  }
}
