package io.quarkube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClassBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuntimeClassHandlersTest {
  private final Map<String, RuntimeClass> classes = Map.of("gvisor", new RuntimeClassBuilder().withNewMetadata()
      .withName("gvisor").endMetadata().withHandler("runsc").build());
  private final RuntimeClassHandlers handlers = RuntimeClassHandlers.of(classes::get);

  @Test
  void noRuntimeClassIsContainerdsDefaultRuntime() {
    assertEquals("", handlers.handlerFor(null));
    assertEquals("", handlers.handlerFor(""));
  }

  @Test
  void aRuntimeClassNamesItsHandler() {
    assertEquals("runsc", handlers.handlerFor("gvisor"));
  }

  @Test
  void aMissingRuntimeClassFailsWithTheApisNotFoundText() {
    var e = assertThrows(RuntimeClassHandlers.LookupException.class, () -> handlers.handlerFor("kata"));
    assertEquals("runtimeclass.node.k8s.io \"kata\" not found", e.getMessage());
  }
}
