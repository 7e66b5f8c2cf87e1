package io.quarkube.scheduler.testing;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.quarkube.scheduler.config.ConfigLoader;
import io.quarkube.scheduler.config.Profile;
import io.quarkube.scheduler.framework.ApiActions;
import io.quarkube.scheduler.framework.ClusterListers;
import io.quarkube.scheduler.framework.NodeInfo;
import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.framework.PodNominator;
import io.quarkube.scheduler.framework.plugins.InTreeRegistry;
import io.quarkube.scheduler.framework.runtime.Framework;
import io.quarkube.scheduler.framework.runtime.Parallelizer;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** Hand-built nodes, pods and frameworks for plugin and framework tests. */
public final class Fixtures {
  private Fixtures() {}

  /** A Ready node with the given allocatable cpu (e.g. "4"), memory ("8Gi") and pod count. */
  public static NodeBuilder node(String name, String cpu, String memory, int pods) {
    Map<String, Quantity> alloc = new HashMap<>();
    alloc.put("cpu", new Quantity(cpu));
    alloc.put("memory", new Quantity(memory));
    alloc.put("pods", new Quantity(String.valueOf(pods)));
    alloc.put("ephemeral-storage", new Quantity("100Gi"));
    return new NodeBuilder().withNewMetadata().withName(name).addToLabels("kubernetes.io/hostname", name)
        .endMetadata().withNewSpec().endSpec().withNewStatus().withAllocatable(alloc).withCapacity(alloc)
        .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus();
  }

  public static Node node(String name) {
    return node(name, "4", "8Gi", 110).build();
  }

  /** A pending pod in namespace "ns" with one container requesting cpu/memory (null: none). */
  public static PodBuilder pod(String name, String cpu, String memory) {
    ContainerBuilder c = new ContainerBuilder().withName("c").withImage("busybox");
    Map<String, Quantity> req = new HashMap<>();
    if (cpu != null) {
      req.put("cpu", new Quantity(cpu));
    }
    if (memory != null) {
      req.put("memory", new Quantity(memory));
    }
    if (!req.isEmpty()) {
      c.withNewResources().withRequests(req).endResources();
    }
    return new PodBuilder().withNewMetadata().withName(name).withNamespace("ns")
        .withUid(UUID.randomUUID().toString()).withCreationTimestamp("2026-01-01T00:00:00Z").endMetadata()
        .withNewSpec().withContainers(c.build()).endSpec().withNewStatus().withPhase("Pending").endStatus();
  }

  public static Pod pod(String name) {
    return pod(name, null, null).build();
  }

  public static PodInfo info(Pod pod) {
    return new PodInfo(pod);
  }

  /** A pod bound to {@code node}. */
  public static PodInfo bound(PodBuilder pod, String node) {
    return new PodInfo(pod.editSpec().withNodeName(node).endSpec().build());
  }

  public static NodeInfo nodeInfo(Node node, PodInfo... pods) {
    return NodeInfo.of(node, pods);
  }

  public static Taint taint(String key, String value, String effect) {
    return new TaintBuilder().withKey(key).withValue(value).withEffect(effect).build();
  }

  /** The default profile's framework with the given listers, nominator and API. */
  public static Framework defaultFramework(ClusterListers listers, PodNominator nominator, ApiActions api) {
    Profile p = ConfigLoader.defaults().profiles().get(0);
    return new Framework(p, InTreeRegistry.create(), listers, nominator, api, new Parallelizer(1));
  }

  public static Framework defaultFramework() {
    return defaultFramework(ClusterListers.EMPTY, PodNominator.NONE, ApiActions.NONE);
  }
}
