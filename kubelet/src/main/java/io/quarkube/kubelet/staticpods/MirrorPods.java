package io.quarkube.kubelet.staticpods;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Keeps a mirror pod in the API server for every static pod (upstream's mirror client and the mirror part of
 * syncPod): a copy named like the static pod with {@code kubernetes.io/config.mirror=<hash>} and the Node as its
 * controlling owner. A mirror of an older version of the file, or one someone deleted, is deleted (grace 0) and made
 * again; mirrors whose static pod is gone are deleted. The static pod itself never stops for anything done to its
 * mirror. Its status is written to the mirror.
 */
public final class MirrorPods {
  private static final Logger LOG = Logger.getLogger(MirrorPods.class);

  private final KubernetesClient client;
  private final String nodeName;
  private final StaticPodSource statics;
  private final Supplier<Map<String, Pod>> mirrors;
  private final Consumer<String> changed;
  private volatile String nodeUid;

  /**
   * @param mirrors the mirror pods on this node as the API server's informer knows them, by namespace/name
   * @param changed asks for a sync of a static pod (by its UID) once its mirror exists, so its status is written
   */
  public MirrorPods(KubernetesClient client, String nodeName, StaticPodSource statics,
      Supplier<Map<String, Pod>> mirrors, Consumer<String> changed) {
    this.client = client;
    this.nodeName = nodeName;
    this.statics = statics;
    this.mirrors = mirrors;
    this.changed = changed;
  }

  static String key(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  /** The mirror to write this static pod's status to, or null while there is none of its version. */
  public Pod mirrorOf(Pod staticPod) {
    Pod mirror = mirrors.get().get(key(staticPod));
    if (mirror == null || mirror.getMetadata().getDeletionTimestamp() != null
        || !Objects.equals(hashOf(mirror), staticPod.getMetadata().getUid())) {
      return null;
    }
    return mirror;
  }

  private static String hashOf(Pod mirror) {
    return mirror.getMetadata().getAnnotations().get(StaticPodManifests.CONFIG_MIRROR);
  }

  /** One pass: creates missing mirrors, replaces stale or deleted ones, removes orphans. Never throws. */
  public void reconcile() {
    try {
      Map<String, Pod> current = new HashMap<>(mirrors.get());
      for (Pod pod : statics.all().values()) {
        Pod mirror = current.remove(key(pod));
        String hash = pod.getMetadata().getUid();
        if (mirror != null && (mirror.getMetadata().getDeletionTimestamp() != null
            || !hash.equals(hashOf(mirror)))) {
          delete(mirror);
          mirror = null;
        }
        if (mirror == null) {
          create(pod);
        }
      }
      for (Pod orphan : current.values()) {
        delete(orphan);
      }
    } catch (RuntimeException e) {
      LOG.debugf("mirror pods: %s", e.getMessage());
    }
  }

  private void create(Pod pod) {
    String uid = nodeUid();
    if (uid == null) {
      return;
    }
    Map<String, String> annotations = new HashMap<>(pod.getMetadata().getAnnotations());
    annotations.put(StaticPodManifests.CONFIG_MIRROR, pod.getMetadata().getUid());
    Pod mirror = new PodBuilder().withMetadata(new ObjectMetaBuilder().withName(pod.getMetadata().getName())
            .withNamespace(pod.getMetadata().getNamespace()).withLabels(pod.getMetadata().getLabels())
            .withAnnotations(annotations)
            .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1").withKind("Node")
                .withName(nodeName).withUid(uid).withController(true).build())
            .build())
        .withSpec(pod.getSpec()).build();
    try {
      client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(mirror).create();
      LOG.infof("mirror pod %s created for static pod %s", key(pod), pod.getMetadata().getUid());
      changed.accept(pod.getMetadata().getUid());
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) { // 409: the informer has not seen ours yet, or a deletion is still under way
        LOG.warnf("creating mirror pod %s failed: %s", key(pod), e.getMessage());
      }
    }
  }

  private void delete(Pod mirror) {
    try {
      // Only this very object (uid precondition through the resource), at once: a mirror runs nothing.
      client.pods().inNamespace(mirror.getMetadata().getNamespace()).resource(mirror).withGracePeriod(0).delete();
      LOG.infof("mirror pod %s deleted", key(mirror));
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404 && e.getCode() != 409) {
        LOG.warnf("deleting mirror pod %s failed: %s", key(mirror), e.getMessage());
      }
    }
  }

  private String nodeUid() {
    if (nodeUid == null) {
      try {
        Node node = client.nodes().withName(nodeName).get();
        nodeUid = node == null ? null : node.getMetadata().getUid();
      } catch (KubernetesClientException e) {
        return null;
      }
    }
    return nodeUid;
  }
}
