package io.quarkube.conformance.apimachinery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * events.k8s.io/v1 and core/v1 Events are one object, as upstream: what is written through one API is read, patched,
 * deleted and listed through the other (kubectl get events shows events recorded with the events.k8s.io API).
 */
@ExtendWith(TestNamespace.class)
class EventsApiTest {
  private static final DateTimeFormatter MICRO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
  private final KubernetesClient client = Cluster.client();
  private final Kubectl kubectl = Kubectl.stock();

  private static io.fabric8.kubernetes.api.model.events.v1.Event newEvent(String ns, String name, String note) {
    return new io.fabric8.kubernetes.api.model.events.v1.EventBuilder()
        .withNewMetadata().withName(name).withNamespace(ns).addToLabels("e2e-events", "yes").endMetadata()
        .withEventTime(new MicroTime(MICRO.format(Instant.now())))
        .withReportingController("e2e.quarkube.io/events-test").withReportingInstance("events-test-0")
        .withAction("Testing").withReason("Tested").withType("Normal").withNote(note)
        .withRegarding(new ObjectReferenceBuilder().withApiVersion("v1").withKind("Pod").withNamespace(ns)
            .withName("regarded-pod").build())
        .build();
  }

  @Conformance("api-machinery.events-api")
  @Test
  void eventsK8sIoAndCoreEventsAreOneObject(String ns) {
    // events.k8s.io/v1 → core/v1
    client.events().v1().events().inNamespace(ns).resource(newEvent(ns, "from-v1", "written as events.k8s.io"))
        .create();
    Event core = client.v1().events().inNamespace(ns).withName("from-v1").get();
    assertEquals("written as events.k8s.io", core.getMessage());
    assertEquals("regarded-pod", core.getInvolvedObject().getName());
    assertEquals("Pod", core.getInvolvedObject().getKind());
    assertEquals("e2e.quarkube.io/events-test", core.getReportingComponent());
    assertEquals("events-test-0", core.getReportingInstance());
    assertEquals("Testing", core.getAction());
    String table = kubectl.run("get", "events", "-n", ns).ok().out();
    assertTrue(table.contains("pod/regarded-pod") && table.contains("written as events.k8s.io")
        && table.contains("Tested"), table);
    String described = kubectl.run("get", "events", "-n", ns, "--field-selector", "involvedObject.name=regarded-pod")
        .ok().out();
    assertTrue(described.contains("written as events.k8s.io"), described);

    // core/v1 → events.k8s.io/v1
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    client.v1().events().inNamespace(ns).resource(new EventBuilder()
        .withNewMetadata().withName("from-core").withNamespace(ns).addToLabels("e2e-events", "yes").endMetadata()
        .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion("v1").withKind("Pod").withNamespace(ns)
            .withName("core-pod").build())
        .withReason("CoreReason").withMessage("written as core").withType("Warning")
        .withNewSource().withComponent("e2e-core").endSource().withFirstTimestamp(now).withLastTimestamp(now)
        .withCount(1).build()).create();
    var asV1 = client.events().v1().events().inNamespace(ns).withName("from-core").get();
    assertEquals("written as core", asV1.getNote());
    assertEquals("core-pod", asV1.getRegarding().getName());
    assertEquals("e2e-core", asV1.getDeprecatedSource().getComponent());
    assertEquals(1, asV1.getDeprecatedCount());
    assertEquals(now, asV1.getDeprecatedFirstTimestamp());
    String v1Table = kubectl.run("get", "events.v1.events.k8s.io", "-n", ns).ok().out();
    assertTrue(v1Table.contains("LAST SEEN") && v1Table.contains("OBJECT") && v1Table.contains("MESSAGE"), v1Table);
    assertTrue(v1Table.contains("pod/core-pod") && v1Table.contains("written as core")
        && v1Table.contains("pod/regarded-pod"), v1Table);

    // listed through both, with each version's field selectors
    assertEquals(2, client.events().v1().events().inNamespace(ns).list().getItems().size());
    assertEquals(2, client.v1().events().inNamespace(ns).list().getItems().size());
    assertEquals(List.of("from-v1"), client.events().v1().events().inNamespace(ns)
        .withField("regarding.name", "regarded-pod").list().getItems().stream().map(e -> e.getMetadata().getName())
        .toList());
    assertEquals(List.of("from-core"), client.v1().events().inNamespace(ns)
        .withField("involvedObject.name", "core-pod").list().getItems().stream().map(e -> e.getMetadata().getName())
        .toList());

    // patched through events.k8s.io/v1 (a series, as upstream's Events API test), observed through core/v1
    client.events().v1().events().inNamespace(ns).withName("from-v1").patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"metadata\":{\"labels\":{\"patched\":\"v1\"}},\"series\":{\"count\":2,\"lastObservedTime\":\""
            + MICRO.format(Instant.now()) + "\"}}");
    Event patchedCore = client.v1().events().inNamespace(ns).withName("from-v1").get();
    assertEquals("v1", patchedCore.getMetadata().getLabels().get("patched"));
    assertEquals(2, patchedCore.getSeries().getCount());
    // patched through core/v1, observed through events.k8s.io/v1
    client.v1().events().inNamespace(ns).withName("from-core").patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"message\":\"patched through core\"}");
    assertEquals("patched through core",
        client.events().v1().events().inNamespace(ns).withName("from-core").get().getNote());
    // events.k8s.io/v1 validates strictly: its note may not change
    io.fabric8.kubernetes.client.KubernetesClientException refused = org.junit.jupiter.api.Assertions.assertThrows(
        io.fabric8.kubernetes.client.KubernetesClientException.class,
        () -> client.events().v1().events().inNamespace(ns).withName("from-v1")
            .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"note\":\"changed\"}"));
    assertEquals(422, refused.getCode());

    // deleted through core/v1, gone through events.k8s.io/v1 (and the other way)
    client.v1().events().inNamespace(ns).withName("from-v1").delete();
    io.quarkube.conformance.Await.until(java.time.Duration.ofSeconds(30), "from-v1 deleted",
        () -> client.events().v1().events().inNamespace(ns).withName("from-v1").get() == null);
    client.events().v1().events().inNamespace(ns).withName("from-core").delete();
    io.quarkube.conformance.Await.until(java.time.Duration.ofSeconds(30), "from-core deleted",
        () -> client.v1().events().inNamespace(ns).withName("from-core").get() == null);
    assertNull(client.events().v1().events().inNamespace(ns).withName("from-core").get());
  }

  @Conformance("api-machinery.events-api")
  @Test
  void deleteCollectionThroughEitherApi(String ns) {
    for (int i = 0; i < 3; i++) {
      client.events().v1().events().inNamespace(ns).resource(newEvent(ns, "v1-" + i, "n" + i)).create();
    }
    assertEquals(3, client.v1().events().inNamespace(ns).withLabel("e2e-events", "yes").list().getItems().size());
    // deletecollection through events.k8s.io/v1, seen through core/v1
    client.events().v1().events().inNamespace(ns).withLabels(Map.of("e2e-events", "yes")).delete();
    io.quarkube.conformance.Await.until(java.time.Duration.ofSeconds(30), "collection deleted",
        () -> client.v1().events().inNamespace(ns).withLabel("e2e-events", "yes").list().getItems().isEmpty());

    // and through core/v1, seen through events.k8s.io/v1
    for (int i = 0; i < 2; i++) {
      client.events().v1().events().inNamespace(ns).resource(newEvent(ns, "again-" + i, "n" + i)).create();
    }
    assertEquals(2, client.events().v1().events().inNamespace(ns).list().getItems().size());
    client.v1().events().inNamespace(ns).withLabel("e2e-events", "yes").delete();
    io.quarkube.conformance.Await.until(java.time.Duration.ofSeconds(30), "collection deleted through core",
        () -> client.events().v1().events().inNamespace(ns).withLabel("e2e-events", "yes").list().getItems()
            .isEmpty());
    assertFalse(kubectl.run("get", "events", "-n", ns).ok().out().contains("again-"));
  }
}
