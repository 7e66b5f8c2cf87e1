package io.quarkube.controllers.daemonset;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkube.controllers.history.RevisionHistory;
import io.quarkube.controllers.support.Owners;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Daemon pods as upstream makes them: the template plus the default daemon tolerations (so node conditions never
 * evict or block them), the {@code controller-revision-hash} label, and a required node affinity on
 * {@code metadata.name} that pins the pod to its node while the default scheduler still binds it.
 */
final class DaemonPods {
  /** Upstream's {@code AddOrUpdateDaemonPodTolerations}: key, effect (operator Exists). */
  private static final String[][] DEFAULT_TOLERATIONS = {
      {"node.kubernetes.io/not-ready", "NoExecute"},
      {"node.kubernetes.io/unreachable", "NoExecute"},
      {"node.kubernetes.io/disk-pressure", "NoSchedule"},
      {"node.kubernetes.io/memory-pressure", "NoSchedule"},
      {"node.kubernetes.io/pid-pressure", "NoSchedule"},
      {"node.kubernetes.io/unschedulable", "NoSchedule"},
  };
  private static final String NETWORK_UNAVAILABLE = "node.kubernetes.io/network-unavailable";
  static final String TEMPLATE_GENERATION_LABEL = "pod-template-generation";

  private DaemonPods() {}

  /** The template's pod spec with the default tolerations added: what eligibility is judged on. */
  static PodSpec specWithTolerations(PodTemplateSpec template) {
    PodSpec spec = Serialization.clone(template.getSpec());
    List<Toleration> tolerations = spec.getTolerations() == null ? new ArrayList<>()
        : new ArrayList<>(spec.getTolerations());
    for (String[] t : DEFAULT_TOLERATIONS) {
      add(tolerations, t[0], t[1]);
    }
    if (Boolean.TRUE.equals(spec.getHostNetwork())) {
      add(tolerations, NETWORK_UNAVAILABLE, "NoSchedule");
    }
    spec.setTolerations(tolerations);
    return spec;
  }

  private static void add(List<Toleration> tolerations, String key, String effect) {
    boolean present = tolerations.stream().anyMatch(t -> key.equals(t.getKey()) && effect.equals(t.getEffect())
        && "Exists".equals(t.getOperator()) && t.getTolerationSeconds() == null);
    if (!present) {
      tolerations.removeIf(t -> key.equals(t.getKey()) && effect.equals(t.getEffect()));
      tolerations.add(new TolerationBuilder().withKey(key).withOperator("Exists").withEffect(effect).build());
    }
  }

  /** A new daemon pod for {@code node}. */
  static Pod newPod(DaemonSet ds, String node, String hash) {
    PodTemplateSpec template = ds.getSpec().getTemplate();
    Pod pod = new Pod();
    pod.setApiVersion("v1");
    pod.setKind("Pod");
    ObjectMeta meta = new ObjectMeta();
    Map<String, String> labels = new HashMap<>();
    if (template.getMetadata() != null) {
      if (template.getMetadata().getLabels() != null) {
        labels.putAll(template.getMetadata().getLabels());
      }
      meta.setAnnotations(template.getMetadata().getAnnotations());
      meta.setFinalizers(template.getMetadata().getFinalizers());
    }
    labels.put(RevisionHistory.HASH_LABEL, hash);
    if (ds.getMetadata().getGeneration() != null) {
      labels.put(TEMPLATE_GENERATION_LABEL, String.valueOf(ds.getMetadata().getGeneration()));
    }
    meta.setLabels(labels);
    meta.setNamespace(ds.getMetadata().getNamespace());
    meta.setGenerateName(ds.getMetadata().getName() + "-");
    meta.setOwnerReferences(List.of(Owners.controllerRef(ds)));
    pod.setMetadata(meta);
    PodSpec spec = specWithTolerations(template);
    pinTo(spec, node);
    pod.setSpec(spec);
    return pod;
  }

  /**
   * Upstream's {@code ReplaceDaemonSetPodNodeNameNodeAffinity}: the required terms become one term matching the
   * node's name (the node already matched the template's own terms).
   */
  static void pinTo(PodSpec spec, String node) {
    NodeSelectorRequirement byName = new NodeSelectorRequirementBuilder().withKey("metadata.name")
        .withOperator("In").withValues(node).build();
    NodeSelectorTerm term = new NodeSelectorTermBuilder().withMatchFields(byName).build();
    Affinity affinity = spec.getAffinity() == null ? new Affinity() : spec.getAffinity();
    NodeAffinity nodeAffinity = affinity.getNodeAffinity() == null ? new NodeAffinity() : affinity.getNodeAffinity();
    nodeAffinity.setRequiredDuringSchedulingIgnoredDuringExecution(
        new io.fabric8.kubernetes.api.model.NodeSelector(List.of(term)));
    affinity.setNodeAffinity(nodeAffinity);
    spec.setAffinity(affinity);
  }

  /** The node a daemon pod runs on or is pinned to (upstream's {@code GetTargetNodeName}); null when neither. */
  static String targetNode(Pod pod) {
    if (pod.getSpec().getNodeName() != null && !pod.getSpec().getNodeName().isEmpty()) {
      return pod.getSpec().getNodeName();
    }
    var a = pod.getSpec().getAffinity();
    if (a == null || a.getNodeAffinity() == null
        || a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null
        || a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms() == null) {
      return null;
    }
    for (NodeSelectorTerm t : a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
        .getNodeSelectorTerms()) {
      if (t.getMatchFields() == null) {
        continue;
      }
      for (NodeSelectorRequirement r : t.getMatchFields()) {
        if ("metadata.name".equals(r.getKey()) && "In".equals(r.getOperator()) && r.getValues() != null
            && r.getValues().size() == 1) {
          return r.getValues().get(0);
        }
      }
    }
    return null;
  }
}
