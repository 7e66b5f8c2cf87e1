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
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
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
 * tainted; rollout status/history/undo through stock kubectl, the test playing the kubelet's Ready.
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
}
