package io.quarkube.controllers.resourcequota;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.quarkube.client.controller.StaticInformers;
import io.quarkube.client.events.EventRecorder;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.MutableClock;
import io.quarkube.controllers.support.RecordingWriter;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ResourceQuotaControllerTest {
  private final StaticInformers caches = new StaticInformers();
  private final RecordingWriter writer = new RecordingWriter(caches);
  private final ResourceQuotaController controller = new ResourceQuotaController(new ControllerContext(caches, writer,
      c -> EventRecorder.discarding(), null, null), new MutableClock(Instant.parse("2026-03-04T10:00:00Z")));

  private Pod pod(String name, String cpu, String memLimit, String phase) {
    return new PodBuilder().withNewMetadata().withNamespace("ns").withName(name).endMetadata().withNewSpec()
        .addNewContainer().withName("c").withNewResources().addToRequests("cpu", new Quantity(cpu))
        .addToLimits("memory", new Quantity(memLimit)).endResources().endContainer().endSpec().withNewStatus()
        .withPhase(phase).endStatus().build();
  }

  private Map<String, String> used() {
    ResourceQuota q = caches.indexer(ResourceQuota.class).getByKey("ns/q");
    Map<String, String> out = new TreeMap<>();
    q.getStatus().getUsed().forEach((k, v) -> out.put(k, v.toString()));
    return out;
  }

  @Test
  void usedIsRecountedFromTheNamespaceAndDropsAfterDeletes() {
    caches.put(new ResourceQuotaBuilder().withNewMetadata().withNamespace("ns").withName("q").endMetadata()
        .withNewSpec().addToHard("pods", new Quantity("10")).addToHard("requests.cpu", new Quantity("4"))
        .addToHard("limits.memory", new Quantity("1Gi")).addToHard("configmaps", new Quantity("5"))
        .addToHard("services.nodeports", new Quantity("3")).addToHard("requests.storage", new Quantity("10Gi"))
        .addToHard("count/persistentvolumeclaims", new Quantity("2")).endSpec().build());
    caches.put(pod("a", "500m", "128Mi", "Running"));
    caches.put(pod("b", "1", "256Mi", "Pending"));
    caches.put(pod("done", "2", "1Gi", "Succeeded"));
    caches.put(new ConfigMapBuilder().withNewMetadata().withNamespace("ns").withName("cm").endMetadata().build());
    caches.put(new ConfigMapBuilder().withNewMetadata().withNamespace("other").withName("cm").endMetadata().build());
    caches.put(new ServiceBuilder().withNewMetadata().withNamespace("ns").withName("s").endMetadata().withNewSpec()
        .withType("NodePort").addNewPort().withPort(80).endPort().addNewPort().withPort(81).endPort().endSpec()
        .build());
    caches.put(new PersistentVolumeClaimBuilder().withNewMetadata().withNamespace("ns").withName("c").endMetadata()
        .withNewSpec().withNewResources().addToRequests("storage", new Quantity("2Gi")).endResources().endSpec()
        .build());
    controller.reconcile("ns");
    assertEquals(Map.of("pods", "2", "requests.cpu", "1500m", "limits.memory", "384Mi", "configmaps", "1",
        "services.nodeports", "2", "requests.storage", "2Gi", "count/persistentvolumeclaims", "1"), used());
    assertEquals("4", caches.indexer(ResourceQuota.class).getByKey("ns/q").getStatus().getHard().get("requests.cpu")
        .toString());

    caches.remove(caches.indexer(Pod.class).getByKey("ns/b"));
    controller.reconcile("ns");
    assertEquals("1", used().get("pods"));
    assertEquals("500m", used().get("requests.cpu"));
    int writes = writer.actions().size();
    controller.reconcile("ns");
    assertEquals(writes, writer.actions().size(), "no write when nothing changed");
  }

  @Test
  void scopedQuotaCountsOnlyMatchingPods() {
    caches.put(new ResourceQuotaBuilder().withNewMetadata().withNamespace("ns").withName("q").endMetadata()
        .withNewSpec().addToHard("pods", new Quantity("10")).withScopes("BestEffort").endSpec().build());
    caches.put(pod("limited", "1", "1Gi", "Running"));
    caches.put(new PodBuilder().withNewMetadata().withNamespace("ns").withName("be").endMetadata().withNewSpec()
        .addNewContainer().withName("c").endContainer().endSpec().build());
    controller.reconcile("ns");
    assertEquals("1", used().get("pods"));
  }
}
