package io.quarkube.apiserver.authz;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.quarkube.apiserver.json.JsonBytes;
import io.quarkube.apiserver.registry.Registry;
import java.nio.charset.StandardCharsets;
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
  /**
   * How the stored JSON of a pod with a node holds it (the API server writes compact JSON; a label or annotation of
   * that name only makes the pod be decoded). A pod never loses its node once bound.
   */
  private static final byte[] NODE_NAME_FIELD = "\"nodeName\":\"".getBytes(StandardCharsets.UTF_8);

  private final ObjectCache pods;
  private final ObjectCache claims;
  /** VolumeAttachments: a node may get those attaching a volume to it (upstream's VA -> node edge). */
  private final ObjectCache attachments;

  public NodeGraph(Registry registry) {
    pods = new ObjectCache(registry.store("", "v1", "pods").orElseThrow(), Map.of(BY_NODE, p -> {
      String node = nodeOf((Pod) p);
      return node == null ? List.of() : List.of(node);
    }), p -> nodeOf((Pod) p) != null, json -> JsonBytes.contains(json, NODE_NAME_FIELD))
        .holding(p -> vertex((Pod) p));
    claims = new ObjectCache(registry.store("", "v1", "persistentvolumeclaims").orElseThrow(), Map.of());
    attachments = new ObjectCache(registry.store("storage.k8s.io", "v1", "volumeattachments").orElseThrow(),
        Map.of());
  }

  public NodeGraph start() {
    pods.start();
    claims.start();
    attachments.start();
    return this;
  }

  public void stop() {
    pods.stop();
    claims.stop();
    attachments.stop();
  }

  public boolean awaitSynced(Duration timeout) {
    return pods.awaitSynced(timeout) && claims.awaitSynced(timeout) && attachments.awaitSynced(timeout);
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

  /** The node a VolumeAttachment attaches its volume to (null: no such attachment). */
  public String attachmentNode(String name) {
    HasMetadata va = attachments.get(null, name);
    return va instanceof io.fabric8.kubernetes.api.model.storage.VolumeAttachment a && a.getSpec() != null
        ? a.getSpec().getNodeName() : null;
  }

  /**
   * What the graph reads of a pod (the node index and {@link PodReferences}), as upstream's graph keeps vertices and
   * edges rather than pods: a few hundred bytes per bound pod instead of a decoded pod's ~30 KiB (status, managed
   * fields, container specs). Tens of thousands of bound pods held whole filled the API server's heap.
   */
  static Pod vertex(Pod pod) {
    ObjectMeta meta = new ObjectMeta();
    meta.setName(pod.getMetadata().getName());
    meta.setNamespace(pod.getMetadata().getNamespace());
    meta.setUid(pod.getMetadata().getUid());
    PodSpec spec = new PodSpec();
    PodSpec from = pod.getSpec();
    if (from != null) {
      spec.setNodeName(from.getNodeName());
      spec.setServiceAccountName(from.getServiceAccountName());
      spec.setImagePullSecrets(from.getImagePullSecrets());
      spec.setVolumes(from.getVolumes());
      spec.setContainers(references(from.getContainers()));
      spec.setInitContainers(references(from.getInitContainers()));
      List<EphemeralContainer> ephemeral = new ArrayList<>();
      for (EphemeralContainer e : nn(from.getEphemeralContainers())) {
        EphemeralContainer v = new EphemeralContainer();
        v.setName(e.getName());
        v.setEnv(referencingEnv(e.getEnv()));
        v.setEnvFrom(e.getEnvFrom());
        ephemeral.add(v);
      }
      spec.setEphemeralContainers(ephemeral);
    }
    Pod v = new Pod();
    v.setMetadata(meta);
    v.setSpec(spec);
    return v;
  }

  private static List<Container> references(List<Container> containers) {
    List<Container> out = new ArrayList<>();
    for (Container c : nn(containers)) {
      Container v = new Container();
      v.setName(c.getName());
      v.setEnv(referencingEnv(c.getEnv()));
      v.setEnvFrom(c.getEnvFrom());
      out.add(v);
    }
    return out;
  }

  /** Only variables taken from another object name one; literal values can be long and name nothing. */
  private static List<EnvVar> referencingEnv(List<EnvVar> env) {
    return nn(env).stream().filter(e -> e.getValueFrom() != null).toList();
  }

  private static <T> List<T> nn(List<T> l) {
    return l == null ? List.of() : l;
  }

  private static String nodeOf(Pod pod) {
    String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    return node == null || node.isEmpty() ? null : node;
  }
}
