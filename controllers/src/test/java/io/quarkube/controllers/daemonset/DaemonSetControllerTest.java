package io.quarkube.controllers.daemonset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.quarkube.client.controller.StaticInformers;
import io.quarkube.controllers.history.RevisionHistory;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.RecordingWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DaemonSetControllerTest {
  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  private final StaticInformers caches = new StaticInformers();
  private final RecordingWriter writer = new RecordingWriter(caches);
  private final List<String> events = new ArrayList<>();
  private final ControllerContext ctx = new ControllerContext(caches, writer,
      c -> (obj, type, reason, message) -> events.add(reason + ": " + message), null, null);
  private final DaemonSetController controller = new DaemonSetController(ctx, Clock.fixed(NOW, ZoneOffset.UTC));

  private DaemonSet ds(String image) {
    DaemonSet d = new DaemonSetBuilder().withNewMetadata().withNamespace("ns").withName("agent").withUid("ds-uid")
        .withGeneration(1L).endMetadata().withNewSpec().withNewSelector().addToMatchLabels("app", "agent")
        .endSelector().withNewUpdateStrategy().withType("RollingUpdate").withNewRollingUpdate()
        .withMaxUnavailable(new io.fabric8.kubernetes.api.model.IntOrString(1)).endRollingUpdate()
        .endUpdateStrategy().withNewTemplate().withNewMetadata().addToLabels("app", "agent").endMetadata()
        .withNewSpec().addToNodeSelector("role", "worker").addNewContainer().withName("c").withImage(image)
        .endContainer().endSpec().endTemplate().endSpec().build();
    d.setApiVersion("apps/v1");
    return d;
  }

  private Node node(String name, String role, Taint... taints) {
    return new NodeBuilder().withNewMetadata().withName(name).addToLabels("role", role).endMetadata()
        .withNewSpec().withTaints(taints).endSpec().build();
  }

  private static Taint taint(String key, String effect) {
    return new TaintBuilder().withKey(key).withEffect(effect).build();
  }

  /** One reconcile; deletes are immediate in these caches. */
  private void sync() throws Exception {
    controller.reconcile("ns/agent");
  }

  private List<Pod> pods() {
    return caches.indexer(Pod.class).list();
  }

  private Map<String, Pod> podsByNode() {
    Map<String, Pod> out = new java.util.TreeMap<>();
    pods().forEach(p -> out.put(DaemonPods.targetNode(p), p));
    return out;
  }

  private void markAllReady() {
    for (Pod p : pods()) {
      caches.put(new PodBuilder(p).editOrNewStatus().withPhase("Running").withConditions().addNewCondition()
          .withType("Ready").withStatus("True").withLastTransitionTime("2026-06-01T11:00:00Z").endCondition()
          .endStatus().build());
    }
  }

  private DaemonSet stored() {
    return caches.indexer(DaemonSet.class).getByKey("ns/agent");
  }

  @Test
  void onePodPerEligibleNodeWithDefaultTolerationsAndNodeNameAffinity() throws Exception {
    caches.put(node("plain", "worker"));
    caches.put(node("other-role", "db"));
    caches.put(node("tainted", "worker", taint("dedicated", "NoSchedule")));
    caches.put(node("not-ready", "worker", taint("node.kubernetes.io/not-ready", "NoExecute"),
        taint("node.kubernetes.io/unschedulable", "NoSchedule")));
    caches.put(ds("img:1"));
    sync();
    assertEquals(List.of("not-ready", "plain"), new ArrayList<>(podsByNode().keySet()));
    Pod p = podsByNode().get("plain");
    var term = p.getSpec().getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
        .getNodeSelectorTerms().get(0);
    assertEquals("metadata.name", term.getMatchFields().get(0).getKey());
    assertEquals(List.of("plain"), term.getMatchFields().get(0).getValues());
    assertTrue(p.getSpec().getNodeName() == null, "the default scheduler binds it");
    assertEquals(6, p.getSpec().getTolerations().size());
    assertTrue(p.getMetadata().getName().startsWith("agent-"));
    String hash = p.getMetadata().getLabels().get(RevisionHistory.HASH_LABEL);
    ControllerRevision revision = caches.indexer(ControllerRevision.class).list().get(0);
    assertEquals("agent-" + hash, revision.getMetadata().getName());
    assertEquals(1L, revision.getRevision());

    markAllReady();
    sync();
    var st = stored().getStatus();
    assertEquals(2, st.getDesiredNumberScheduled());
    assertEquals(2, st.getCurrentNumberScheduled());
    assertEquals(2, st.getNumberReady());
    assertEquals(2, st.getNumberAvailable());
    assertEquals(2, st.getUpdatedNumberScheduled());
    assertEquals(0, st.getNumberMisscheduled());
    assertEquals(1L, st.getObservedGeneration());
    assertEquals(2, events.stream().filter(e -> e.startsWith("SuccessfulCreate")).count());
  }

  @Test
  void followsNodesAsTheyComeAndAreTainted() throws Exception {
    caches.put(ds("img:1"));
    caches.put(node("a", "worker"));
    sync();
    assertEquals(List.of("a"), new ArrayList<>(podsByNode().keySet()));
    caches.put(node("b", "worker"));
    sync();
    assertEquals(List.of("a", "b"), new ArrayList<>(podsByNode().keySet()));

    caches.put(node("a", "worker", taint("maintenance", "NoSchedule")));
    sync();
    assertEquals(List.of("a", "b"), new ArrayList<>(podsByNode().keySet()), "NoSchedule keeps running pods");
    assertEquals(1, stored().getStatus().getNumberMisscheduled());

    caches.put(node("b", "worker", taint("evict", "NoExecute")));
    sync();
    assertEquals(List.of("a"), new ArrayList<>(podsByNode().keySet()), "NoExecute removes the pod");

    caches.remove(caches.indexer(Node.class).getByKey("a"));
    sync();
    assertTrue(pods().isEmpty(), "an unbound pod of a deleted node goes");
  }

  @Test
  void rollingUpdateKeepsAtMostMaxUnavailableNodesWithoutAnAvailablePod() throws Exception {
    for (String n : List.of("a", "b", "c")) {
      caches.put(node(n, "worker"));
    }
    caches.put(ds("img:1"));
    sync();
    markAllReady();
    sync();
    caches.put(new DaemonSetBuilder(stored()).editSpec().editTemplate().editSpec().editFirstContainer()
        .withImage("img:2").endContainer().endSpec().endTemplate().endSpec().editMetadata().withGeneration(2L)
        .endMetadata().build());
    sync();
    assertEquals(2, pods().size(), "one old pod goes");
    sync();
    assertEquals(3, pods().size(), "its node gets a new one");
    sync();
    assertEquals(3, pods().size(), "nothing more while the new pod is not available");
    assertEquals(1, stored().getStatus().getUpdatedNumberScheduled());
    for (int i = 0; i < 8; i++) {
      markAllReady();
      sync();
    }
    assertTrue(pods().stream().allMatch(p -> "img:2".equals(p.getSpec().getContainers().get(0).getImage())));
    assertEquals(3, stored().getStatus().getUpdatedNumberScheduled());
    assertEquals(2, caches.indexer(ControllerRevision.class).list().size());
  }

  @Test
  void onDeleteLeavesOldPodsAlone() throws Exception {
    caches.put(node("a", "worker"));
    DaemonSet d = ds("img:1");
    d.getSpec().getUpdateStrategy().setType("OnDelete");
    d.getSpec().getUpdateStrategy().setRollingUpdate(null);
    caches.put(d);
    sync();
    markAllReady();
    caches.put(new DaemonSetBuilder(stored()).editSpec().editTemplate().editSpec().editFirstContainer()
        .withImage("img:2").endContainer().endSpec().endTemplate().endSpec().build());
    sync();
    sync();
    assertEquals("img:1", pods().get(0).getSpec().getContainers().get(0).getImage());
    caches.remove(pods().get(0));
    sync();
    assertEquals("img:2", pods().get(0).getSpec().getContainers().get(0).getImage());
  }

  @Test
  void toleratedTaintsAndAffinityDecide() {
    var spec = DaemonPods.specWithTolerations(ds("img").getSpec().getTemplate());
    assertTrue(Eligibility.of(spec, node("n", "worker", taint("node.kubernetes.io/memory-pressure", "NoSchedule")))
        .shouldRun());
    assertEquals(new Eligibility(false, true), Eligibility.of(spec, node("n", "worker", taint("x", "NoSchedule"))));
    assertEquals(Eligibility.NO, Eligibility.of(spec, node("n", "worker", taint("x", "NoExecute"))));
    spec.setNodeSelector(null);
    spec.setAffinity(new io.fabric8.kubernetes.api.model.AffinityBuilder().withNewNodeAffinity()
        .withNewRequiredDuringSchedulingIgnoredDuringExecution().addNewNodeSelectorTerm().addNewMatchExpression()
        .withKey("role").withOperator("In").withValues("db").endMatchExpression().endNodeSelectorTerm()
        .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().build());
    assertTrue(Eligibility.of(spec, node("n", "db")).shouldRun());
    assertEquals(Eligibility.NO, Eligibility.of(spec, node("n", "worker")));
  }
}
