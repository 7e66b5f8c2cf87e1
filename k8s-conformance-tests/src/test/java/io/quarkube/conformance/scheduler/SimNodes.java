package io.quarkube.conformance.scheduler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Simulated nodes for scheduler tests: Node objects with capacity and a Ready condition, no kubelet behind them.
 * Each test gets its own group label ({@code e2e.quarkube.io/group}) on its nodes, and its pods select that label,
 * so pods never land on the cluster's real node or another test's nodes. {@link #close()} force-deletes the test's
 * pods (no kubelet will ever confirm a graceful deletion on these nodes) and then the nodes.
 */
final class SimNodes implements AutoCloseable {
  static final String GROUP = "e2e.quarkube.io/group";

  final KubernetesClient client = Cluster.client();
  final String group = "g" + UUID.randomUUID().toString().substring(0, 8);
  private final List<String> nodes = new ArrayList<>();
  private final List<String[]> pods = new ArrayList<>();
  private final List<String> priorityClasses = new ArrayList<>();

  /** A Ready node named {@code <group>-<suffix>} with the given cpu, memory and labels (key, value, ...). */
  NodeBuilder node(String suffix, String cpu, String memory, String... labels) {
    String name = group + "-" + suffix;
    Map<String, Quantity> alloc = new HashMap<>();
    alloc.put("cpu", new Quantity(cpu));
    alloc.put("memory", new Quantity(memory));
    alloc.put("pods", new Quantity("110"));
    NodeBuilder b = new NodeBuilder().withNewMetadata().withName(name).addToLabels(GROUP, group)
        .addToLabels("kubernetes.io/hostname", name).endMetadata().withNewSpec().endSpec().withNewStatus()
        .withCapacity(alloc).withAllocatable(alloc).addNewCondition().withType("Ready").withStatus("True")
        .withReason("KubeletReady").withLastHeartbeatTime(now()).withLastTransitionTime(now()).endCondition()
        .endStatus();
    for (int i = 0; i + 1 < labels.length; i += 2) {
      b.editMetadata().addToLabels(labels[i], labels[i + 1]).endMetadata();
    }
    return b;
  }

  Node create(NodeBuilder b, Taint... taints) {
    if (taints.length > 0) {
      b.editSpec().withTaints(taints).endSpec();
    }
    Node n = b.build();
    nodes.add(n.getMetadata().getName());
    Node created = client.nodes().resource(n).create();
    // Status is a subresource: write capacity and conditions through it too (a no-op where create kept them).
    try {
      created.setStatus(n.getStatus());
      client.nodes().resource(created).updateStatus();
    } catch (RuntimeException e) {
      // The create already stored the status.
    }
    return created;
  }

  Node create(String suffix, String cpu, String memory, String... labels) {
    return create(node(suffix, cpu, memory, labels));
  }

  String name(String suffix) {
    return group + "-" + suffix;
  }

  /** A pod of this group (it selects the group's nodes) with one container requesting cpu (null: nothing). */
  PodBuilder pod(String ns, String name, String cpu) {
    PodBuilder b = new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata().withNewSpec()
        .addToNodeSelector(GROUP, group).addNewContainer().withName("c").withImage("busybox").endContainer()
        .withTerminationGracePeriodSeconds(0L).endSpec();
    if (cpu != null) {
      b.editSpec().editFirstContainer().withNewResources().addToRequests("cpu", new Quantity(cpu)).endResources()
          .endContainer().endSpec();
    }
    return b;
  }

  Pod create(PodBuilder b) {
    Pod p = b.build();
    pods.add(new String[] {p.getMetadata().getNamespace(), p.getMetadata().getName()});
    return client.pods().inNamespace(p.getMetadata().getNamespace()).resource(p).create();
  }

  void priorityClass(String name, int value) {
    priorityClass(name, value, null);
  }

  /** A PriorityClass of this test group; the Priority admission plugin copies its value and policy into pods. */
  void priorityClass(String name, int value, String preemptionPolicy) {
    String full = group + "-" + name;
    priorityClasses.add(full);
    client.scheduling().v1().priorityClasses().resource(new io.fabric8.kubernetes.api.model.scheduling.v1
        .PriorityClassBuilder().withNewMetadata().withName(full).endMetadata().withValue(value)
        .withPreemptionPolicy(preemptionPolicy).build()).create();
  }

  Pod get(String ns, String name) {
    return client.pods().inNamespace(ns).withName(name).get();
  }

  String nodeOf(String ns, String name) {
    Pod p = get(ns, name);
    return p == null ? null : p.getSpec().getNodeName();
  }

  /** Waits until the pod is bound and returns its node. */
  String awaitBound(String ns, String name) {
    Await.until(Duration.ofSeconds(30), "pod " + name + " bound", () -> nodeOf(ns, name) != null);
    return nodeOf(ns, name);
  }

  /** Waits until the pod has PodScheduled=False/Unschedulable and returns the condition's message. */
  String awaitUnschedulable(String ns, String name) {
    return awaitUnschedulable(ns, name, m -> true);
  }

  /**
   * {@link #awaitUnschedulable(String, String)} until the message is one {@code accepted} takes: a pod created right
   * after its nodes may first be tried by a scheduler whose node informer has not seen them yet (its pod and node
   * watches are separate streams); the nodes' events then send it back to the queue, and the next attempt's message
   * counts them, as upstream's scheduler does.
   */
  String awaitUnschedulable(String ns, String name, java.util.function.Predicate<String> accepted) {
    String[] msg = new String[1];
    Await.until(Duration.ofSeconds(30), "pod " + name + " marked unschedulable", () -> {
      Pod p = get(ns, name);
      if (p == null || p.getStatus() == null || p.getStatus().getConditions() == null) {
        return false;
      }
      return p.getStatus().getConditions().stream().anyMatch(c -> {
        boolean hit = "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())
            && "Unschedulable".equals(c.getReason()) && c.getMessage() != null && accepted.test(c.getMessage());
        if (hit) {
          msg[0] = c.getMessage();
        }
        return hit;
      });
    });
    return msg[0];
  }

  static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }

  @Override
  public void close() {
    for (String[] p : pods) {
      try {
        client.pods().inNamespace(p[0]).withName(p[1]).withGracePeriod(0).delete();
      } catch (RuntimeException e) {
        // already gone
      }
    }
    for (String n : nodes) {
      try {
        client.nodes().withName(n).delete();
      } catch (RuntimeException e) {
        // already gone
      }
    }
    for (String pc : priorityClasses) {
      try {
        client.scheduling().v1().priorityClasses().withName(pc).delete();
      } catch (RuntimeException e) {
        // already gone
      }
    }
  }
}
