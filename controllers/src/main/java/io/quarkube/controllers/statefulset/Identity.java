package io.quarkube.controllers.statefulset;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkube.controllers.history.RevisionHistory;
import io.quarkube.controllers.support.Owners;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A StatefulSet pod's stable identity (upstream's {@code stateful_set_utils.go}): name {@code <set>-<ordinal>},
 * hostname = name, subdomain = {@code serviceName}, the pod-name and pod-index labels, and one claim per
 * volumeClaimTemplate named {@code <claim>-<set>-<ordinal>} mounted in place of the template's volume of that name.
 */
final class Identity {
  static final String POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
  static final String POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";
  private static final Pattern NAME = Pattern.compile("^(.*)-([0-9]+)$");

  private Identity() {}

  /** The ordinal of a pod of {@code set}, or -1 when its name does not look like one of the set's pods. */
  static int ordinal(StatefulSet set, Pod pod) {
    Matcher m = NAME.matcher(pod.getMetadata().getName());
    if (!m.matches() || !m.group(1).equals(set.getMetadata().getName())) {
      return -1;
    }
    try {
      return Integer.parseInt(m.group(2));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static String podName(StatefulSet set, int ordinal) {
    return set.getMetadata().getName() + "-" + ordinal;
  }

  static String claimName(StatefulSet set, String claim, int ordinal) {
    return claim + "-" + podName(set, ordinal);
  }

  static String revision(Pod pod) {
    return pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get(RevisionHistory.HASH_LABEL);
  }

  static List<PersistentVolumeClaim> claimTemplates(StatefulSet set) {
    return set.getSpec().getVolumeClaimTemplates() == null ? List.of() : set.getSpec().getVolumeClaimTemplates();
  }

  /** The claims the pod of {@code ordinal} needs, as they are created. */
  static List<PersistentVolumeClaim> claims(StatefulSet set, int ordinal) {
    List<PersistentVolumeClaim> out = new ArrayList<>();
    Map<String, String> selectorLabels = set.getSpec().getSelector() == null
        || set.getSpec().getSelector().getMatchLabels() == null ? Map.of()
        : set.getSpec().getSelector().getMatchLabels();
    for (PersistentVolumeClaim template : claimTemplates(set)) {
      Map<String, String> labels = template.getMetadata() == null || template.getMetadata().getLabels() == null
          ? new HashMap<>() : new HashMap<>(template.getMetadata().getLabels());
      labels.putAll(selectorLabels);
      PersistentVolumeClaim claim = new PersistentVolumeClaimBuilder()
          .withMetadata(new ObjectMeta())
          .withSpec(Serialization.clone(template.getSpec())).build();
      claim.getMetadata().setName(claimName(set, template.getMetadata().getName(), ordinal));
      claim.getMetadata().setNamespace(set.getMetadata().getNamespace());
      claim.getMetadata().setLabels(labels);
      if (template.getMetadata() != null && template.getMetadata().getAnnotations() != null) {
        claim.getMetadata().setAnnotations(new HashMap<>(template.getMetadata().getAnnotations()));
      }
      out.add(claim);
    }
    return out;
  }

  /** A new pod for {@code ordinal} from {@code template} at {@code revision}. */
  static Pod newPod(StatefulSet set, PodTemplateSpec template, String revision, int ordinal) {
    PodTemplateSpec t = Serialization.clone(template);
    Pod pod = new Pod();
    pod.setApiVersion("v1");
    pod.setKind("Pod");
    ObjectMeta meta = new ObjectMeta();
    if (t.getMetadata() != null) {
      meta.setLabels(t.getMetadata().getLabels() == null ? null : new HashMap<>(t.getMetadata().getLabels()));
      meta.setAnnotations(t.getMetadata().getAnnotations());
      meta.setFinalizers(t.getMetadata().getFinalizers());
    }
    meta.setNamespace(set.getMetadata().getNamespace());
    meta.setName(podName(set, ordinal));
    meta.setOwnerReferences(List.of(Owners.controllerRef(set)));
    pod.setMetadata(meta);
    pod.setSpec(t.getSpec());
    updateIdentity(set, pod, ordinal);
    updateStorage(set, pod, ordinal);
    Map<String, String> labels = new HashMap<>(pod.getMetadata().getLabels());
    labels.put(RevisionHistory.HASH_LABEL, revision);
    pod.getMetadata().setLabels(labels);
    return pod;
  }

  /** Whether the pod carries its identity (labels, hostname, subdomain). */
  static boolean identityMatches(StatefulSet set, Pod pod, int ordinal) {
    Map<String, String> labels = pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
    return podName(set, ordinal).equals(pod.getMetadata().getName())
        && podName(set, ordinal).equals(labels.get(POD_NAME_LABEL))
        && String.valueOf(ordinal).equals(labels.get(POD_INDEX_LABEL))
        && podName(set, ordinal).equals(pod.getSpec().getHostname())
        && Objects.equals(subdomain(set), pod.getSpec().getSubdomain());
  }

  private static String subdomain(StatefulSet set) {
    String s = set.getSpec().getServiceName();
    return s == null || s.isEmpty() ? null : s;
  }

  static void updateIdentity(StatefulSet set, Pod pod, int ordinal) {
    Map<String, String> labels = pod.getMetadata().getLabels() == null ? new HashMap<>()
        : new HashMap<>(pod.getMetadata().getLabels());
    labels.put(POD_NAME_LABEL, podName(set, ordinal));
    labels.put(POD_INDEX_LABEL, String.valueOf(ordinal));
    pod.getMetadata().setLabels(labels);
    pod.getSpec().setHostname(podName(set, ordinal));
    pod.getSpec().setSubdomain(subdomain(set));
  }

  /** Mounts the ordinal's claims in place of the template's volumes of the same names. */
  private static void updateStorage(StatefulSet set, Pod pod, int ordinal) {
    List<PersistentVolumeClaim> templates = claimTemplates(set);
    if (templates.isEmpty()) {
      return;
    }
    List<Volume> volumes = new ArrayList<>();
    List<String> claimed = templates.stream().map(c -> c.getMetadata().getName()).toList();
    for (PersistentVolumeClaim c : templates) {
      volumes.add(new VolumeBuilder().withName(c.getMetadata().getName()).withNewPersistentVolumeClaim()
          .withClaimName(claimName(set, c.getMetadata().getName(), ordinal)).endPersistentVolumeClaim().build());
    }
    if (pod.getSpec().getVolumes() != null) {
      for (Volume v : pod.getSpec().getVolumes()) {
        if (!claimed.contains(v.getName())) {
          volumes.add(v);
        }
      }
    }
    pod.getSpec().setVolumes(volumes);
  }
}
