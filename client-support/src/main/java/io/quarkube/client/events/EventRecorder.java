package io.quarkube.client.events;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Records core/v1 Events about objects, like client-go's {@code record.EventRecorder}: what a component did
 * ({@code SuccessfulCreate}, {@code ScalingReplicaSet}) or what went wrong ({@code FailedCreate}). Recording never
 * blocks or fails the caller.
 */
public interface EventRecorder {
  String NORMAL = "Normal";
  String WARNING = "Warning";

  void event(HasMetadata object, String type, String reason, String message);

  /**
   * {@link #event} about a part of the object: upstream's {@code involvedObject.fieldPath}, such as
   * {@code spec.containers{web}} for a pod's container (kubectl's SUBOBJECT column). Recorders that keep no
   * reference drop the part.
   */
  default void event(HasMetadata object, String fieldPath, String type, String reason, String message) {
    event(object, type, reason, message);
  }

  /** This recorder's events about one part of the objects they name ({@code fieldPath}, see above). */
  default EventRecorder about(String fieldPath) {
    EventRecorder whole = this;
    return (object, type, reason, message) -> whole.event(object, fieldPath, type, reason, message);
  }

  default void normal(HasMetadata object, String reason, String format, Object... args) {
    event(object, NORMAL, reason, args.length == 0 ? format : String.format(format, args));
  }

  default void warning(HasMetadata object, String reason, String format, Object... args) {
    event(object, WARNING, reason, args.length == 0 ? format : String.format(format, args));
  }

  /** A recorder that drops everything (for tests that do not look at events). */
  static EventRecorder discarding() {
    return (object, type, reason, message) -> {};
  }
}
