package io.quarkube.controllers.namespace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceCondition;
import io.quarkube.client.controller.StaticInformers;
import io.quarkube.client.events.EventRecorder;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.RecordingWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NamespaceControllerTest {
  /** Content that needs a given number of passes to go away; records the finalize call. */
  static final class FakeContent implements NamespaceContent {
    final Map<String, Integer> objects = new LinkedHashMap<>();
    final List<Namespace> finalized = new ArrayList<>();
    int passesUntilEmpty;

    @Override
    public Result deleteAll(String namespace) {
      if (passesUntilEmpty-- > 0) {
        return new Result(objects, Map.of("example.com/keep", 1), null, List.of());
      }
      objects.clear();
      return new Result(Map.of(), Map.of(), null, List.of());
    }

    @Override
    public void finalizeNamespace(Namespace namespace) {
      finalized.add(namespace);
    }
  }

  private final StaticInformers caches = new StaticInformers();
  private final RecordingWriter writer = new RecordingWriter(caches);
  private final ControllerContext ctx = new ControllerContext(caches, writer, c -> EventRecorder.discarding(), null,
      null);

  @Test
  void deletedNamespaceIsEmptiedThenFinalized() throws Exception {
    FakeContent content = new FakeContent();
    content.objects.put("pods", 2);
    content.passesUntilEmpty = 1;
    NamespaceController c = new NamespaceController(ctx, content);
    caches.put(new NamespaceBuilder().withNewMetadata().withName("n").withDeletionTimestamp("2026-01-01T00:00:00Z")
        .endMetadata().withNewSpec().withFinalizers("kubernetes").endSpec().build());

    c.processNextItem(); // first pass: pods remain
    Namespace ns = caches.indexer(Namespace.class).getByKey("n");
    assertEquals("Terminating", ns.getStatus().getPhase());
    NamespaceCondition remaining = condition(ns, "NamespaceContentRemaining");
    assertEquals("True", remaining.getStatus());
    assertEquals("Some resources are remaining: pods has 2 resource instances", remaining.getMessage());
    assertEquals("True", condition(ns, "NamespaceFinalizersRemaining").getStatus());
    assertTrue(content.finalized.isEmpty(), "not finalized while content remains");

    // The status writes enqueued it again; then the recheck after RECHECK: drain until finalized.
    while (content.finalized.isEmpty()) {
      c.processNextItem();
    }
    assertEquals("False", condition(caches.indexer(Namespace.class).getByKey("n"), "NamespaceContentRemaining")
        .getStatus());
    assertEquals(List.of(), content.finalized.get(0).getSpec().getFinalizers());
  }

  @Test
  void liveNamespacesAndFinalizedOnesAreLeftAlone() throws Exception {
    FakeContent content = new FakeContent();
    NamespaceController c = new NamespaceController(ctx, content);
    caches.put(new NamespaceBuilder().withNewMetadata().withName("live").endMetadata().build());
    assertEquals(0, c.queue().length(), "only deleted namespaces are queued");
    caches.put(new NamespaceBuilder().withNewMetadata().withName("done").withDeletionTimestamp("2026-01-01T00:00:00Z")
        .endMetadata().withNewSpec().withFinalizers("example.com/other").endSpec().build());
    c.processNextItem();
    assertTrue(writer.actions().isEmpty());
    assertTrue(content.finalized.isEmpty());
  }

  private static NamespaceCondition condition(Namespace ns, String type) {
    return ns.getStatus().getConditions().stream().filter(x -> x.getType().equals(type)).findFirst().orElse(null);
  }
}
