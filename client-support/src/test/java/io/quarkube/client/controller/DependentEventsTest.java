package io.quarkube.client.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DependentEventsTest {
  private final StaticInformers informers = new StaticInformers();
  private final List<String> enqueued = new ArrayList<>();
  private final List<String> observed = new ArrayList<>();
  /** Owners are ConfigMaps of "kind" ConfigMap here; one adopts an orphan whose app label equals its own. */
  private final DependentEvents<ConfigMap, Pod> events = new DependentEvents<>(enqueued::add, "ConfigMap",
      informers.indexer(ConfigMap.class),
      (owner, pod) -> pod.getMetadata().getLabels() != null
          && owner.getMetadata().getLabels().get("app").equals(pod.getMetadata().getLabels().get("app")),
      new DependentEvents.Observer<>() {
        @Override
        public void added(String owner, Pod pod) {
          observed.add("added " + owner + " " + pod.getMetadata().getName());
        }

        @Override
        public void updated(String owner, Pod before, Pod after) {
          observed.add("updated " + owner + " " + after.getMetadata().getName());
        }

        @Override
        public void deleted(String owner, Pod pod) {
          observed.add("deleted " + owner + " " + pod.getMetadata().getName());
        }
      });

  DependentEventsTest() {
    informers.put(owner("ns", "web", "web"));
    informers.put(owner("ns", "db", "db"));
    informers.put(owner("other", "web", "web"));
  }

  private static ConfigMap owner(String ns, String name, String app) {
    return new ConfigMapBuilder().withNewMetadata().withNamespace(ns).withName(name).withLabels(Map.of("app", app))
        .endMetadata().build();
  }

  private static Pod pod(String name, String app, String controllerKind, String controllerName) {
    PodBuilder b = new PodBuilder().withNewMetadata().withNamespace("ns").withName(name)
        .withLabels(Map.of("app", app)).endMetadata();
    if (controllerKind != null) {
      b.editMetadata().addNewOwnerReference().withKind(controllerKind).withName(controllerName).withController(true)
          .endOwnerReference().endMetadata();
    }
    return b.build();
  }

  @Test
  void ownedDependentsWakeTheirOwnerAfterTheObserver() {
    Pod p = pod("web-1", "web", "ConfigMap", "web");
    events.onAdd(p);
    events.onUpdate(p, p);
    events.onDelete(p, false);
    assertEquals(List.of("added ns/web web-1", "updated ns/web web-1", "deleted ns/web web-1"), observed);
    assertEquals(List.of("ns/web", "ns/web", "ns/web", "ns/web"), enqueued, "the update wakes the owner of both states");
  }

  @Test
  void orphansWakeTheOwnersInTheirNamespaceThatMayAdoptThem() {
    Pod orphan = pod("loose", "web", null, null);
    events.onAdd(orphan);
    assertEquals(List.of("ns/web"), enqueued);
    enqueued.clear();
    events.onUpdate(orphan, pod("loose", "db", null, null));
    assertEquals(List.of("ns/db", "ns/web"), enqueued, "the new adopters, then the old ones");
    enqueued.clear();
    events.onDelete(orphan, false);
    assertEquals(List.of("ns/web"), enqueued);
    assertEquals(List.of(), observed, "orphans are nobody's yet");
  }

  @Test
  void dependentsOfAnotherKindWakeNobody() {
    Pod other = pod("rs-pod", "web", "ReplicaSet", "web");
    events.onAdd(other);
    events.onDelete(other, false);
    assertEquals(List.of(), enqueued);
  }

  @Test
  void aReleasedDependentWakesItsFormerOwner() {
    Pod owned = pod("web-1", "zzz", "ConfigMap", "web");
    Pod released = pod("web-1", "zzz", null, null);
    events.onUpdate(owned, released);
    assertEquals(List.of("ns/web"), enqueued);
    assertEquals(List.of(), observed, "the observer hears of owned states after the update only");
  }
}
