package io.quarkube.apiserver.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.quarkube.apiserver.json.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A watch line built around an object's JSON is the line encoding the event gives. */
class WatchLineTest {
  @Test
  void lineAroundTheObjectsJsonIsTheEncodedLine() {
    Pod pod = new PodBuilder().withNewMetadata().withName("p").withNamespace("n").withResourceVersion("42")
        .addToLabels("a", "é\"").endMetadata().withNewSpec().addNewContainer().withName("c").withImage("i")
        .endContainer().endSpec().build();
    for (String type : new String[] {"ADDED", "MODIFIED", "DELETED"}) {
      String encoded = new String(Json.bytes(new WatchStream.Line(type, pod)), StandardCharsets.UTF_8) + "\n";
      assertEquals(encoded, new String(WatchStream.line(type, Json.bytes(pod)), StandardCharsets.UTF_8));
    }
  }
}
