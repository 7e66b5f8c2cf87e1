package io.quarkube.apiserver.authz;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.quarkube.apiserver.registry.Registry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the Node authorizer walks (upstream keeps a graph; here indexed caches suffice): the pods bound to each node
 * and the claims that lead from pods to persistent volumes.
 *
 * <p>Only pods bound to a node are held, as upstream's graph adds a pod only once it has a node: a pending pod
 * relates to no node. Holding every decoded pod kept ~30 KiB per pod alive from its create on (a write benchmark's
 * thousands of pending pods), which every young collection copied again while they aged into the old generation.
 */
public final class NodeGraph {
  private static final String BY_NODE = "node";

  private final ObjectCache pods;
  private final ObjectCache claims;

  public NodeGraph(Registry registry) {
    pods = new ObjectCache(registry.store("", "v1", "pods").orElseThrow(), Map.of(BY_NODE, p -> {
      String node = nodeOf((Pod) p);
      return node == null ? List.of() : List.of(node);
    }), p -> nodeOf((Pod) p) != null);
    claims = new ObjectCache(registry.store("", "v1", "persistentvolumeclaims").orElseThrow(), Map.of());
  }

  public NodeGraph start() {
    pods.start();
    claims.start();
    return this;
  }

  public void stop() {
    pods.stop();
    claims.stop();
  }

  public boolean awaitSynced(Duration timeout) {
    return pods.awaitSynced(timeout) && claims.awaitSynced(timeout);
  }

  /** The pods bound to {@code node}, in {@code namespace} (null: all namespaces). */
  public List<Pod> podsOn(String node, String namespace) {
    List<Pod> out = new ArrayList<>();
    for (HasMetadata o : pods.byIndex(BY_NODE, node)) {
      if (namespace == null || namespace.equals(o.getMetadata().getNamespace())) {
        out.add((Pod) o);
      }
    }
    return out;
  }

  /** How many pods the graph holds (those bound to a node). */
  public int podCount() {
    return pods.all().size();
  }

  public HasMetadata claim(String namespace, String name) {
    return claims.get(namespace, name);
  }

  private static String nodeOf(Pod pod) {
    String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    return node == null || node.isEmpty() ? null : node;
  }
}
