package io.quarkube.conformance.controllers;

import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.ControllerRevisionBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetConditionBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkube.conformance.Conflicts;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A DaemonSet follows simulated nodes (Node objects of this test's own group, no kubelet) as they are added and
 * tainted or relabelled; rollout status/history/undo, revisions and /status as upstream's Daemon set and
 * ControllerRevision conformance tests use them, the test playing the kubelet's Ready.
 */
@Conformance({"apps.daemonset"})
@ExtendWith(TestNamespace.class)
class DaemonSetTest {
  private static final String GROUP = "e2e.quarkube.io/group";
  private final Kubectl kubectl = Kubectl.stock();
  private final KubernetesClient client = Cluster.client();
  private final String group = "ds" + UUID.randomUUID().toString().substring(0, 8);
  private final List<String> nodes = new ArrayList<>();

  private String node(String suffix) {
    String name = group + "-" + suffix;
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    Map<String, Quantity> alloc = Map.of("cpu", new Quantity("2"), "memory", new Quantity("4Gi"), "pods",
        new Quantity("110"));
    Node n = new NodeBuilder().withNewMetadata().withName(name).addToLabels(GROUP, group).endMetadata()
        .withNewSpec().endSpec().withNewStatus().withCapacity(alloc).withAllocatable(alloc).addNewCondition()
        .withType("Ready").withStatus("True").withReason("KubeletReady").withLastHeartbeatTime(now)
        .withLastTransitionTime(now).endCondition().endStatus().build();
    nodes.add(name);
    client.nodes().resource(n).create();
    return name;
  }

  private String template(String image) {
    return """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: agent}
        spec:
          selector: {matchLabels: {app: agent}}
          updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 1}}
          template:
            metadata: {labels: {app: agent}}
            spec:
              schedulerName: quarkube-e2e-unscheduled
              nodeSelector: {%s: %s}
              # Nothing renews these nodes' Leases: stay on them whatever the node lifecycle controller concludes.
              tolerations:
              - {key: node.kubernetes.io/not-ready, operator: Exists}
              - {key: node.kubernetes.io/unreachable, operator: Exists}
              containers: [{name: c, image: %s}]
        """.formatted(GROUP, group, image);
  }

  private List<Pod> active(String ns) {
    return client.pods().inNamespace(ns).withLabel("app", "agent").list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
  }

  /** The node each active pod is pinned to by its metadata.name node affinity. */
  private TreeSet<String> pinned(String ns) {
    TreeSet<String> out = new TreeSet<>();
    for (Pod p : active(ns)) {
      var terms = p.getSpec().getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
          .getNodeSelectorTerms();
      assertEquals("metadata.name", terms.get(0).getMatchFields().get(0).getKey());
      out.add(terms.get(0).getMatchFields().get(0).getValues().get(0));
    }
    return out;
  }

  private void awaitPinned(String ns, String... expected) {
    TreeSet<String> want = new TreeSet<>(List.of(expected));
    Await.until(Duration.ofSeconds(60), "daemon pods on " + want, () -> pinned(ns).equals(want)
        && active(ns).size() == want.size());
  }

  private void rollOut(String ns, String image, int pods) {
    Await.until(Duration.ofSeconds(90), pods + " available pods of " + image, () -> {
      FakeKubelet.markReady(client, ns);
      DaemonSet ds = client.apps().daemonSets().inNamespace(ns).withName("agent").get();
      var st = ds.getStatus();
      return st != null && st.getObservedGeneration() != null
          && st.getObservedGeneration() >= ds.getMetadata().getGeneration()
          && st.getDesiredNumberScheduled() == pods && st.getUpdatedNumberScheduled() == pods
          && st.getNumberAvailable() != null && st.getNumberAvailable() == pods
          && active(ns).size() == pods
          && active(ns).stream().allMatch(p -> image.equals(p.getSpec().getContainers().get(0).getImage()));
    });
  }

  @Test
  void followsNodesAsTheyAreAddedAndTaintedAndRollsOut(String ns) {
    try {
      String a = node("a");
      String b = node("b");
      kubectl.runWithInput(template("registry.local/agent:1"), new String[] {"apply", "-n", ns, "-f", "-"}).ok();
      awaitPinned(ns, a, b);
      Pod one = active(ns).get(0);
      assertTrue(one.getSpec().getTolerations().stream().anyMatch(t ->
          "node.kubernetes.io/unschedulable".equals(t.getKey()) && "NoSchedule".equals(t.getEffect())),
          "default daemon tolerations");

      String c = node("c");
      awaitPinned(ns, a, b, c);

      client.nodes().withName(a).edit(n -> new NodeBuilder(n).editSpec().addToTaints(new TaintBuilder()
          .withKey("e2e.quarkube.io/evict").withValue("yes").withEffect("NoExecute").build()).endSpec().build());
      awaitPinned(ns, b, c);
      rollOut(ns, "registry.local/agent:1", 2);
      String status = kubectl.run(new String[] {"rollout", "status", "daemonset/agent", "-n", ns,
          "--timeout=30s"}).ok().out();
      assertTrue(status.contains("successfully rolled out"), status);

      kubectl.run(new String[] {"set", "image", "daemonset/agent", "c=registry.local/agent:2", "-n", ns}).ok();
      rollOut(ns, "registry.local/agent:2", 2);
      String history = kubectl.run(new String[] {"rollout", "history", "daemonset/agent", "-n", ns}).ok().out();
      assertTrue(history.contains("1 ") && history.contains("2 "), history);

      kubectl.run(new String[] {"rollout", "undo", "daemonset/agent", "-n", ns}).ok();
      rollOut(ns, "registry.local/agent:1", 2);
      assertEquals(2, client.apps().controllerRevisions().inNamespace(ns).list().getItems().size(),
          "undo reuses revision 1 as revision 3");
    } finally {
      for (String n : nodes) {
        client.nodes().withName(n).delete();
      }
    }
  }

  /** One daemon pod per node of the group, all marked Ready (as upstream's checkRunningOnAllNodes). */
  private void startOnTwoNodes(String ns) {
    String a = node("a");
    String b = node("b");
    kubectl.runWithInput(template("registry.local/agent:1"), new String[] {"apply", "-n", ns, "-f", "-"}).ok();
    awaitPinned(ns, a, b);
    rollOut(ns, "registry.local/agent:1", 2);
  }

  private void deleteNodes() {
    for (String n : nodes) {
      client.nodes().withName(n).delete();
    }
  }

  @Test
  @Conformance({"apps.daemonset-api"})
  void listsAndDeletesByCollection(String ns) {
    try {
      startOnTwoNodes(ns);
      String mark = "ds" + UUID.randomUUID().toString().substring(0, 8);
      client.apps().daemonSets().inNamespace(ns).withName("agent").patch(PatchContext.of(PatchType.JSON_MERGE),
          "{\"metadata\":{\"labels\":{\"daemonset-name\":\"" + mark + "\"}}}");
      assertEquals(1, client.apps().daemonSets().inAnyNamespace().withLabel("daemonset-name", mark).list()
          .getItems().size(), "listed across all namespaces by label");
      client.apps().daemonSets().inNamespace(ns).withLabel("daemonset-name", mark).delete();
      Await.until(Duration.ofSeconds(60), "DaemonSets deleted by collection", () -> client.apps().daemonSets()
          .inAnyNamespace().withLabel("daemonset-name", mark).list().getItems().isEmpty());
    } finally {
      deleteNodes();
    }
  }

  @Test
  @Conformance({"apps.daemonset-api"})
  void readsUpdatesAndPatchesStatus(String ns) {
    try {
      startOnTwoNodes(ns);
      DaemonSet read = client.apps().daemonSets().inNamespace(ns).withName("agent").get();
      assertEquals(2, read.getStatus().getDesiredNumberScheduled(), "GET carries status");
      DaemonSet updated = Conflicts.retry(() -> {
        DaemonSet ds = client.apps().daemonSets().inNamespace(ns).withName("agent").get();
        ds.getStatus().getConditions().add(new DaemonSetConditionBuilder().withType("StatusUpdate")
            .withStatus("True").withReason("E2E").withMessage("Set from e2e test").build());
        return client.apps().daemonSets().inNamespace(ns).resource(ds).updateStatus();
      });
      assertTrue(updated.getStatus().getConditions().stream().anyMatch(c -> "StatusUpdate".equals(c.getType())
          && "E2E".equals(c.getReason()) && "Set from e2e test".equals(c.getMessage())), "updated condition");
      Await.until(Duration.ofSeconds(30), "StatusUpdate condition kept", () -> hasCondition(ns, "StatusUpdate"));
      client.apps().daemonSets().inNamespace(ns).withName("agent").subresource("status").patch(
          PatchContext.of(PatchType.JSON_MERGE),
          "{\"status\":{\"conditions\":[{\"type\":\"StatusPatched\",\"status\":\"True\"}]}}");
      Await.until(Duration.ofSeconds(30), "StatusPatched condition", () -> hasCondition(ns, "StatusPatched"));
    } finally {
      deleteNodes();
    }
  }

  private boolean hasCondition(String ns, String type) {
    var st = client.apps().daemonSets().inNamespace(ns).withName("agent").get().getStatus();
    return st.getConditions() != null && st.getConditions().stream().anyMatch(c -> type.equals(c.getType())
        && "True".equals(c.getStatus()));
  }

  @Test
  @Conformance({"apps.daemonset-failed-pod"})
  void replacesAFailedDaemonPod(String ns) {
    try {
      startOnTwoNodes(ns);
      Pod victim = active(ns).get(0);
      String node = victim.getSpec().getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
          .getNodeSelectorTerms().get(0).getMatchFields().get(0).getValues().get(0);
      client.pods().inNamespace(ns).resource(new PodBuilder(victim).editStatus().withPhase("Failed").endStatus()
          .build()).updateStatus();
      Await.until(Duration.ofSeconds(60), "failed pod deleted", () -> {
        Pod p = client.pods().inNamespace(ns).withName(victim.getMetadata().getName()).get();
        return p == null || p.getMetadata().getDeletionTimestamp() != null;
      });
      Await.until(Duration.ofSeconds(60), "a new daemon pod on " + node, () -> active(ns).stream().anyMatch(p ->
          !p.getMetadata().getUid().equals(victim.getMetadata().getUid()) && node.equals(p.getSpec().getAffinity()
              .getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms().get(0)
              .getMatchFields().get(0).getValues().get(0))));
      rollOut(ns, "registry.local/agent:1", 2);
    } finally {
      deleteNodes();
    }
  }

  private List<ControllerRevision> revisions(String ns, String selector, String value) {
    return client.apps().controllerRevisions().inNamespace(ns).withLabel(selector, value).list().getItems();
  }

  /** As upstream's ControllerRevision lifecycle: the DaemonSet's revision, a hand-made one, then its next one. */
  @Test
  @Conformance({"apps.controllerrevision-lifecycle"})
  void controllerRevisionLifecycle(String ns) {
    try {
      startOnTwoNodes(ns);
      Await.until(Duration.ofSeconds(30), "one revision", () -> revisions(ns, "app", "agent").size() == 1);
      ControllerRevision initial = revisions(ns, "app", "agent").get(0);
      assertEquals(1L, initial.getRevision());
      ControllerRevision patched = client.apps().controllerRevisions().inNamespace(ns)
          .withName(initial.getMetadata().getName()).patch(PatchContext.of(PatchType.JSON_MERGE),
              "{\"metadata\":{\"labels\":{\"" + initial.getMetadata().getName() + "\":\"patched\"}}}");
      assertEquals("patched", patched.getMetadata().getLabels().get(initial.getMetadata().getName()));

      String made = initial.getMetadata().getName() + "-made";
      client.apps().controllerRevisions().inNamespace(ns).resource(new ControllerRevisionBuilder().withNewMetadata()
          .withName(made).withLabels(initial.getMetadata().getLabels())
          .withOwnerReferences(initial.getMetadata().getOwnerReferences()).endMetadata()
          .withData(initial.getData()).withRevision(initial.getRevision() + 1).build()).create();
      assertEquals(2, revisions(ns, "app", "agent").size(), "two revisions");
      client.apps().controllerRevisions().inNamespace(ns).withName(initial.getMetadata().getName()).delete();
      Await.until(Duration.ofSeconds(30), "one revision left", () -> revisions(ns, "app", "agent").size() == 1);

      ControllerRevision updated = Conflicts.retry(() -> client.apps().controllerRevisions().inNamespace(ns)
          .resource(new ControllerRevisionBuilder(client.apps().controllerRevisions().inNamespace(ns)
              .withName(made).get()).editMetadata().addToLabels(made, "updated").endMetadata().build()).update());
      assertEquals("updated", updated.getMetadata().getLabels().get(made));
      assertEquals(1, revisions(ns, made, "updated").size());

      client.apps().daemonSets().inNamespace(ns).withName("agent").patch(PatchContext.of(PatchType.JSON_MERGE),
          "{\"spec\":{\"template\":{\"spec\":{\"terminationGracePeriodSeconds\":1}}}}");
      Await.until(Duration.ofSeconds(60), "the DaemonSet's next revision", () ->
          revisions(ns, "app", "agent").size() == 2);
      client.apps().controllerRevisions().inNamespace(ns).withLabel(made, "updated").delete();
      Await.until(Duration.ofSeconds(30), "one revision after deletecollection", () ->
          revisions(ns, "app", "agent").size() == 1);
      assertEquals(3L, revisions(ns, "app", "agent").get(0).getRevision(), "the next revision after 2 is 3");
    } finally {
      deleteNodes();
    }
  }

  private String hashOf(ControllerRevision r) {
    return r.getMetadata().getLabels().get("controller-revision-hash");
  }

  @Test
  @Conformance({"apps.daemonset-rolling-update"})
  void rollingUpdateMovesPodsToTheNewRevision(String ns) {
    try {
      startOnTwoNodes(ns);
      ControllerRevision first = revisions(ns, "app", "agent").get(0);
      assertTrue(active(ns).stream().allMatch(p -> hashOf(first).equals(p.getMetadata().getLabels()
          .get("controller-revision-hash"))), "pods carry revision 1's hash");
      client.apps().daemonSets().inNamespace(ns).withName("agent").patch(PatchContext.of(PatchType.JSON_MERGE),
          "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":"
              + "\"registry.local/agent:2\"}]}}}}");
      rollOut(ns, "registry.local/agent:2", 2);
      ControllerRevision second = revisions(ns, "app", "agent").stream().filter(r -> r.getRevision() == 2L)
          .findFirst().orElseThrow();
      assertTrue(active(ns).stream().allMatch(p -> hashOf(second).equals(p.getMetadata().getLabels()
          .get("controller-revision-hash"))), "pods carry revision 2's hash");
    } finally {
      deleteNodes();
    }
  }

  @Test
  @Conformance({"apps.daemonset-rollback"})
  void rollbackDoesNotRestartPodsThatKeptTheOldTemplate(String ns) {
    try {
      startOnTwoNodes(ns);
      Map<String, String> before = new java.util.HashMap<>();
      active(ns).forEach(p -> before.put(p.getMetadata().getUid(), p.getMetadata().getName()));
      kubectl.run(new String[] {"set", "image", "daemonset/agent", "c=registry.local/missing:0", "-n", ns}).ok();
      // Nobody makes the bad pod Ready: with maxUnavailable 1 the rollout stops after one node.
      Await.until(Duration.ofSeconds(60), "one pod on the bad image", () -> active(ns).stream().filter(p ->
          "registry.local/missing:0".equals(p.getSpec().getContainers().get(0).getImage())).count() == 1
          && active(ns).size() == 2);
      List<String> kept = active(ns).stream().filter(p -> before.containsKey(p.getMetadata().getUid()))
          .map(p -> p.getMetadata().getUid()).toList();
      assertEquals(1, kept.size(), "one pod still on the old template");
      kubectl.run(new String[] {"set", "image", "daemonset/agent", "c=registry.local/agent:1", "-n", ns}).ok();
      rollOut(ns, "registry.local/agent:1", 2);
      assertTrue(active(ns).stream().anyMatch(p -> p.getMetadata().getUid().equals(kept.get(0))),
          "the pod that never got the bad image was not restarted");
    } finally {
      deleteNodes();
    }
  }

  private void colour(String node, String colour) {
    client.nodes().withName(node).patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"metadata\":{\"labels\":{\"color\":\"" + colour + "\"}}}");
  }

  @Test
  @Conformance({"apps.daemonset-node-selector"})
  void followsTheNodeSelectorAsLabelsAndSelectorChange(String ns) {
    try {
      String a = node("a");
      node("b");
      String ds = template("registry.local/agent:1").replace("nodeSelector: {%s: %s}".formatted(GROUP, group),
          "nodeSelector: {%s: %s, color: blue}".formatted(GROUP, group));
      assertTrue(ds.contains("color: blue"), ds);
      kubectl.runWithInput(ds, new String[] {"apply", "-n", ns, "-f", "-"}).ok();
      Await.until(Duration.ofSeconds(60), "the DaemonSet observed with no node selected", () -> {
        DaemonSet d = client.apps().daemonSets().inNamespace(ns).withName("agent").get();
        return d.getStatus() != null && d.getStatus().getObservedGeneration() != null
            && d.getStatus().getDesiredNumberScheduled() == 0;
      });
      assertTrue(active(ns).isEmpty(), "no daemon pod before a node is blue");

      colour(a, "blue");
      awaitPinned(ns, a);
      rollOut(ns, "registry.local/agent:1", 1);

      colour(a, "green");
      Await.until(Duration.ofSeconds(60), "daemon pods unscheduled", () -> active(ns).isEmpty());

      client.apps().daemonSets().inNamespace(ns).withName("agent").patch(PatchContext.of(PatchType.JSON_MERGE),
          "{\"spec\":{\"template\":{\"spec\":{\"nodeSelector\":{\"color\":\"green\"}}},"
              + "\"updateStrategy\":{\"type\":\"RollingUpdate\"}}}");
      awaitPinned(ns, a);
      rollOut(ns, "registry.local/agent:1", 1);
    } finally {
      deleteNodes();
    }
  }
}
