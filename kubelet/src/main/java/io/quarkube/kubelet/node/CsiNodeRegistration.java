package io.quarkube.kubelet.node;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.storage.CSINode;
import io.fabric8.kubernetes.api.model.storage.CSINodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The node's CSINode ({@code storage.k8s.io/v1}, named as the node), as upstream's kubelet makes it at start through
 * its CSI plugin's node info manager: owned by the Node (so it goes when the Node goes), no drivers until one
 * registers (Quarkube's kubelet has no CSI plugin registration yet), and the annotation naming the in-tree plugins
 * whose volumes count as their CSI drivers'. Idempotent: a restarted kubelet finds it and only repairs the
 * annotation, as upstream does.
 */
public final class CsiNodeRegistration {
  /** Upstream's v1.MigratedPluginsAnnotationKey. */
  public static final String MIGRATED_PLUGINS = "storage.alpha.kubernetes.io/migrated-plugins";
  /** The in-tree plugins whose CSI migration is on by default in 1.32 (all of them GA or beta-on). */
  static final String MIGRATED = String.join(",", List.of("kubernetes.io/aws-ebs", "kubernetes.io/azure-disk",
      "kubernetes.io/azure-file", "kubernetes.io/cinder", "kubernetes.io/gce-pd", "kubernetes.io/portworx-volume",
      "kubernetes.io/vsphere-volume"));

  private final KubernetesClient client;
  private final String nodeName;
  private final Supplier<Node> node;

  public CsiNodeRegistration(KubernetesClient client, String nodeName, Supplier<Node> node) {
    this.client = client;
    this.nodeName = nodeName;
    this.node = node;
  }

  /** Creates or repairs the CSINode; throws when the API server refused or did not answer (the caller retries). */
  public CSINode ensure() {
    CSINode existing = client.storage().v1().csiNodes().withName(nodeName).get();
    if (existing == null) {
      try {
        return client.storage().v1().csiNodes().resource(fresh()).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        existing = client.storage().v1().csiNodes().withName(nodeName).get(); // made meanwhile by our other try
      }
    }
    Map<String, String> annotations = existing.getMetadata().getAnnotations();
    if (annotations != null && Objects.equals(annotations.get(MIGRATED_PLUGINS), MIGRATED)) {
      return existing;
    }
    Map<String, String> updated = annotations == null ? new HashMap<>() : new HashMap<>(annotations);
    updated.put(MIGRATED_PLUGINS, MIGRATED);
    existing.getMetadata().setAnnotations(updated);
    return client.storage().v1().csiNodes().resource(existing).update();
  }

  CSINode fresh() {
    CSINodeBuilder b = new CSINodeBuilder().withNewMetadata().withName(nodeName)
        .withAnnotations(Map.of(MIGRATED_PLUGINS, MIGRATED)).endMetadata()
        .withNewSpec().withDrivers(List.of()).endSpec();
    OwnerReference owner = owner(node.get());
    if (owner != null) {
      b.editMetadata().withOwnerReferences(owner).endMetadata();
    }
    return b.build();
  }

  private OwnerReference owner(Node n) {
    if (n == null || n.getMetadata() == null || n.getMetadata().getUid() == null) {
      return null;
    }
    return new OwnerReferenceBuilder().withApiVersion("v1").withKind("Node").withName(nodeName)
        .withUid(n.getMetadata().getUid()).build();
  }
}
