package io.quarkube.apiserver.admission;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.quarkube.apiserver.admission.AdmissionRequest.Operation;
import io.quarkube.apiserver.authz.NodeAuthorizer;
import io.quarkube.apiserver.authz.PodReferences;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.registry.Registry;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Upstream's NodeRestriction: a kubelet writes only its own Node (never its taints after registration, never the
 * {@code node-restriction.kubernetes.io/} labels), its own Lease and CSINode, the status of pods bound to it, deletes only pods
 * bound to it, and creates only mirror pods of its static pods.
 */
public final class NodeRestriction implements AdmissionPlugin {
  static final String RESTRICTED_LABEL_PREFIX = "node-restriction.kubernetes.io/";

  private final Registry registry;

  public NodeRestriction(Registry registry) {
    this.registry = registry;
  }

  @Override
  public String name() {
    return "NodeRestriction";
  }

  @Override
  public void admit(AdmissionRequest r) {
    Optional<String> node = NodeAuthorizer.nodeName(r.user());
    if (node.isEmpty()) {
      return;
    }
    String me = node.get();
    if (AdmissionErrors.is(r, "", "pods")) {
      pods(r, me);
    } else if (AdmissionErrors.is(r, "", "nodes")) {
      nodes(r, me);
    } else if (AdmissionErrors.is(r, "storage.k8s.io", "csinodes")) {
      String name = AdmissionErrors.objectName(r);
      if (!me.equals(name)) {
        throw AdmissionErrors.forbidden(r, "can only access CSINode with the same name as the requesting node");
      }
    } else if (AdmissionErrors.is(r, "coordination.k8s.io", "leases") && "kube-node-lease".equals(r.namespace())) {
      String name = AdmissionErrors.objectName(r);
      if (!me.equals(name)) {
        throw AdmissionErrors.forbidden(r, "node \"" + me + "\" is not allowed to modify lease \"" + name + "\"");
      }
    }
  }

  private void pods(AdmissionRequest r, String me) {
    switch (r.operation()) {
      case CREATE -> {
        if (r.subresource() != null) {
          return;
        }
        Pod pod = (Pod) r.object();
        Map<String, String> ann = pod.getMetadata().getAnnotations();
        if (ann == null || !ann.containsKey(ServiceAccountAdmission.MIRROR_ANNOTATION)) {
          throw AdmissionErrors.forbidden(r, "pod does not have \"" + ServiceAccountAdmission.MIRROR_ANNOTATION
              + "\" annotation, node \"" + me + "\" can only create mirror pods");
        }
        String bound = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        if (!me.equals(bound)) {
          throw AdmissionErrors.forbidden(r, "node \"" + me + "\" can only create pods with spec.nodeName set to "
              + "itself");
        }
        if (!PodReferences.secrets(pod).isEmpty() || !PodReferences.configMaps(pod).isEmpty()
            || !PodReferences.claims(pod).isEmpty()) {
          throw AdmissionErrors.forbidden(r, "node \"" + me + "\" can not create pods that reference secrets, "
              + "configmaps, or persistentvolumeclaims");
        }
      }
      case UPDATE -> {
        if (!"status".equals(r.subresource())) {
          throw AdmissionErrors.forbidden(r, "node \"" + me + "\" can only update pod status");
        }
        // a kubelet writing the status of a pod deleted meanwhile: 404, as upstream answers
        if (!me.equals(storedPodNode(r))) {
          throw AdmissionErrors.forbidden(r, "node \"" + me + "\" can only update pod status for pods with "
              + "spec.nodeName set to itself");
        }
      }
      case DELETE -> {
        // a pod that is gone is a 404, as upstream's NodeRestriction answers (not a refusal)
        if (!me.equals(storedPodNode(r))) {
          throw AdmissionErrors.forbidden(r, "node \"" + me + "\" can only delete pods with spec.nodeName set to "
              + "itself");
        }
      }
      default -> { }
    }
  }

  /** The stored pod's node, read once from etcd; a pod that is not there is a 404. */
  private String storedPodNode(AdmissionRequest r) {
    Pod pod = (Pod) registry.store("", "v1", "pods").flatMap(s -> s.find(r.namespace(), r.name()))
        .orElseThrow(() -> io.quarkube.apiserver.errors.ApiException.notFound("", "pods", r.name()));
    return pod.getSpec() == null ? null : pod.getSpec().getNodeName();
  }

  private void nodes(AdmissionRequest r, String me) {
    String name = AdmissionErrors.objectName(r);
    if (!me.equals(name)) {
      throw AdmissionErrors.forbidden(r, "node \"" + me + "\" is not allowed to modify node \"" + name + "\"");
    }
    if (r.object() == null) {
      return;
    }
    Node updated = (Node) r.object();
    Optional<HasMetadata> stored = r.operation() == Operation.UPDATE
        ? registry.store("", "v1", "nodes").flatMap(s -> s.find(null, name)) : Optional.empty();
    Map<String, String> before = stored.map(n -> n.getMetadata().getLabels()).orElse(null);
    Map<String, String> after = updated.getMetadata().getLabels();
    TreeSet<String> changed = new TreeSet<>();
    for (Map<String, String> m : new Map[] {before, after}) {
      if (m == null) {
        continue;
      }
      for (String k : m.keySet()) {
        if (k.startsWith(RESTRICTED_LABEL_PREFIX) && !Objects.equals(get(before, k), get(after, k))) {
          changed.add(k);
        }
      }
    }
    if (!changed.isEmpty()) {
      throw AdmissionErrors.forbidden(r, "is not allowed to modify labels: " + String.join(", ", changed));
    }
    if (stored.isPresent() && r.subresource() == null) {
      Node old = (Node) stored.get();
      Object oldTaints = old.getSpec() == null ? null : old.getSpec().getTaints();
      Object newTaints = updated.getSpec() == null ? null : updated.getSpec().getTaints();
      if (!Objects.equals(Json.MAPPER.valueToTree(oldTaints), Json.MAPPER.valueToTree(newTaints))) {
        throw AdmissionErrors.forbidden(r, "node \"" + me + "\" is not allowed to modify taints");
      }
    }
  }

  private static String get(Map<String, String> m, String k) {
    return m == null ? null : m.get(k);
  }
}
