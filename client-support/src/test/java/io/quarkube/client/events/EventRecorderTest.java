package io.quarkube.client.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A recorder about a part of an object hands that part (the event's fieldPath) to the recorder underneath. */
class EventRecorderTest {
  @Test
  void aboutPassesThePartAlong() {
    List<String> seen = new ArrayList<>();
    EventRecorder recorder = new EventRecorder() {
      @Override
      public void event(HasMetadata object, String type, String reason, String message) {
        event(object, null, type, reason, message);
      }

      @Override
      public void event(HasMetadata object, String fieldPath, String type, String reason, String message) {
        seen.add(fieldPath + " " + type + " " + reason + " " + message);
      }
    };
    var pod = new PodBuilder().withNewMetadata().withName("p").endMetadata().build();
    recorder.about("spec.containers{web}").normal(pod, "Started", "Started container %s", "web");
    recorder.warning(pod, "FailedMount", "no such volume");
    assertEquals(List.of("spec.containers{web} Normal Started Started container web",
        "null Warning FailedMount no such volume"), seen);
  }

  @Test
  void recordersWithoutReferencesDropThePart() {
    List<String> seen = new ArrayList<>();
    EventRecorder plain = (object, type, reason, message) -> seen.add(reason);
    plain.about("spec.containers{web}").normal(new PodBuilder().build(), "Pulled", "ok");
    assertEquals(List.of("Pulled"), seen);
  }
}
