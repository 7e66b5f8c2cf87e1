package io.quarkube.apiserver.table;

import static io.quarkube.apiserver.table.Cells.age;
import static io.quarkube.apiserver.table.Cells.at;
import static io.quarkube.apiserver.table.Cells.name;
import static io.quarkube.apiserver.table.Cells.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Printers of persistent volumes, claims, storage classes and the CSI objects of storage.k8s.io. */
final class StoragePrinters {
  /** The annotation that named a volume's class before {@code storageClassName} existed; it still wins. */
  private static final String BETA_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class";

  private StoragePrinters() {}

  static void register(Map<String, Printer> m) {
    m.put("/persistentvolumes", Printer.of(List.of(
        Column.objectName(),
        Column.string("Capacity", "The storage capacity of the volume."),
        Column.string("Access Modes", "The ways the volume can be mounted."),
        Column.string("Reclaim Policy", "What happens to the volume when released from its claim."),
        Column.string("Status", "The phase of the volume."),
        Column.string("Claim", "The claim bound to the volume."),
        Column.string("StorageClass", "StorageClass of the pv"),
        Column.string("VolumeAttributesClass", "VolumeAttributesClass of the pv"),
        Column.string("Reason", "A brief reason for a failed volume."),
        Column.age(),
        Column.string("VolumeMode", "Whether the volume is a filesystem or a raw block device.").wide()),
        StoragePrinters::persistentVolume));
    m.put("/persistentvolumeclaims", Printer.of(List.of(
        Column.objectName(),
        Column.string("Status", "The phase of the claim."),
        Column.string("Volume", "The volume bound to the claim."),
        Column.string("Capacity", "The capacity of the bound volume."),
        Column.string("Access Modes", "The access modes of the bound volume."),
        Column.string("StorageClass", "StorageClass of the pvc"),
        Column.string("VolumeAttributesClass", "VolumeAttributesClass of the pvc"),
        Column.age(),
        Column.string("VolumeMode", "Whether the claim wants a filesystem or a raw block device.").wide()),
        StoragePrinters::persistentVolumeClaim));
    m.put("storage.k8s.io/storageclasses", Printer.of(List.of(
        Column.objectName(),
        Column.string("Provisioner", "The volume plugin that provisions volumes of this class."),
        Column.string("ReclaimPolicy", "The reclaim policy of the volumes this class provisions."),
        Column.string("VolumeBindingMode", "When volumes are provisioned and bound."),
        Column.string("AllowVolumeExpansion", "Whether the class allows volumes to be expanded."),
        Column.age()),
        StoragePrinters::storageClass));
    m.put("storage.k8s.io/csidrivers", Printer.of(List.of(
        Column.objectName(),
        Column.bool("AttachRequired", StorageDocs.CSIDRIVER_SPEC_ATTACH_REQUIRED),
        Column.bool("PodInfoOnMount", StorageDocs.CSIDRIVER_SPEC_POD_INFO_ON_MOUNT),
        Column.bool("StorageCapacity", StorageDocs.CSIDRIVER_SPEC_STORAGE_CAPACITY),
        Column.string("TokenRequests", StorageDocs.CSIDRIVER_SPEC_TOKEN_REQUESTS),
        Column.bool("RequiresRepublish", StorageDocs.CSIDRIVER_SPEC_REQUIRES_REPUBLISH),
        Column.string("Modes", StorageDocs.CSIDRIVER_SPEC_VOLUME_LIFECYCLE_MODES),
        Column.age()),
        StoragePrinters::csiDriver));
    m.put("storage.k8s.io/csinodes", Printer.of(List.of(
        Column.objectName(),
        Column.integer("Drivers", "Drivers indicates the number of CSI drivers registered on the node"),
        Column.age()),
        (o, now) -> List.of(name(o), Cells.size(at(o, "spec", "drivers")), age(o, now))));
    // upstream's CSIStorageCapacity table has no Age column
    m.put("storage.k8s.io/csistoragecapacities", Printer.of(List.of(
        Column.objectName(),
        Column.string("StorageClassName", StorageDocs.CSISTORAGE_CAPACITY_STORAGE_CLASS_NAME),
        Column.string("Capacity", StorageDocs.CSISTORAGE_CAPACITY_CAPACITY)),
        (o, now) -> List.of(name(o), text(o, "storageClassName"),
            o.path("capacity").isTextual() ? o.path("capacity").asText() : "<unset>")));
    m.put("storage.k8s.io/volumeattachments", Printer.of(List.of(
        Column.objectName(),
        new Column("Attacher", "string", "name", StorageDocs.VOLUME_ATTACHMENT_SPEC_ATTACHER, 0),
        Column.string("PV", StorageDocs.VOLUME_ATTACHMENT_SOURCE_PERSISTENT_VOLUME_NAME),
        Column.string("Node", StorageDocs.VOLUME_ATTACHMENT_SPEC_NODE_NAME),
        Column.bool("Attached", StorageDocs.VOLUME_ATTACHMENT_STATUS_ATTACHED),
        Column.age()),
        (o, now) -> List.of(name(o), text(o, "spec", "attacher"), text(o, "spec", "source", "persistentVolumeName"),
            text(o, "spec", "nodeName"), o.path("status").path("attached").asBoolean(false), age(o, now))));
  }

  /** Upstream's printCSIDriver: unset booleans print as their defaults, no modes as {@code <none>}. */
  private static List<Object> csiDriver(JsonNode o, Instant now) {
    JsonNode spec = o.path("spec");
    List<String> audiences = new ArrayList<>();
    for (JsonNode t : spec.path("tokenRequests")) {
      audiences.add(text(t, "audience"));
    }
    String modes = String.join(",", Cells.strings(spec.path("volumeLifecycleModes")));
    return List.of(name(o), spec.path("attachRequired").asBoolean(true), spec.path("podInfoOnMount").asBoolean(false),
        spec.path("storageCapacity").asBoolean(false), audiences.isEmpty() ? "<unset>" : String.join(",", audiences),
        spec.path("requiresRepublish").asBoolean(false), modes.isEmpty() ? "<none>" : modes, age(o, now));
  }

  private static List<Object> persistentVolume(JsonNode o, Instant now) {
    JsonNode spec = o.path("spec");
    String claim = "";
    if (spec.path("claimRef").isObject()) {
      claim = text(spec, "claimRef", "namespace") + "/" + text(spec, "claimRef", "name");
    }
    String phase = deleting(o) ? "Terminating" : text(o, "status", "phase");
    String storageClass = annotation(o, BETA_CLASS_ANNOTATION);
    if (storageClass == null) {
      storageClass = text(spec, "storageClassName");
    }
    return List.of(name(o), capacity(spec.path("capacity")), accessModes(spec.path("accessModes")),
        text(spec, "persistentVolumeReclaimPolicy"), phase, claim, storageClass,
        orUnset(spec.path("volumeAttributesClassName")), text(o, "status", "reason"), age(o, now),
        orUnset(spec.path("volumeMode")));
  }

  private static List<Object> persistentVolumeClaim(JsonNode o, Instant now) {
    JsonNode spec = o.path("spec");
    String phase = deleting(o) ? "Terminating" : text(o, "status", "phase");
    String capacity = "";
    String accessModes = "";
    // before binding, the claim's own request is not what it got: show nothing
    if (!text(spec, "volumeName").isEmpty()) {
      accessModes = accessModes(at(o, "status", "accessModes"));
      capacity = capacity(at(o, "status", "capacity"));
    }
    String storageClass = annotation(o, BETA_CLASS_ANNOTATION);
    if (storageClass == null) {
      storageClass = text(spec, "storageClassName");
    }
    return List.of(name(o), phase, text(spec, "volumeName"), capacity, accessModes, storageClass,
        orUnset(spec.path("volumeAttributesClassName")), age(o, now), orUnset(spec.path("volumeMode")));
  }

  private static List<Object> storageClass(JsonNode o, Instant now) {
    String name = name(o);
    if ("true".equals(annotation(o, "storageclass.kubernetes.io/is-default-class"))
        || "true".equals(annotation(o, "storageclass.beta.kubernetes.io/is-default-class"))) {
      name += " (default)";
    }
    String reclaim = text(o, "reclaimPolicy").isEmpty() ? "Delete" : text(o, "reclaimPolicy");
    String binding = text(o, "volumeBindingMode").isEmpty() ? "Immediate" : text(o, "volumeBindingMode");
    return List.of(name, text(o, "provisioner"), reclaim, binding,
        o.path("allowVolumeExpansion").asBoolean(false), age(o, now));
  }

  /** Upstream's {@code GetAccessModesAsString}: RWO, ROX, RWX, RWOP in that order, each once. */
  private static String accessModes(JsonNode modes) {
    Set<String> present = Set.copyOf(Cells.strings(modes));
    List<String> out = new ArrayList<>();
    if (present.contains("ReadWriteOnce")) {
      out.add("RWO");
    }
    if (present.contains("ReadOnlyMany")) {
      out.add("ROX");
    }
    if (present.contains("ReadWriteMany")) {
      out.add("RWX");
    }
    if (present.contains("ReadWriteOncePod")) {
      out.add("RWOP");
    }
    return String.join(",", out);
  }

  /** The storage entry of a resource list; Go prints a missing quantity as {@code 0}. */
  private static String capacity(JsonNode resources) {
    JsonNode q = resources.path("storage");
    return q.isMissingNode() || q.isNull() ? "0" : q.asText();
  }

  private static boolean deleting(JsonNode o) {
    return Cells.present(o, "metadata", "deletionTimestamp");
  }

  private static String annotation(JsonNode o, String key) {
    JsonNode v = at(o, "metadata", "annotations", key);
    return v.isTextual() ? v.asText() : null;
  }

  private static String orUnset(JsonNode v) {
    return v.isTextual() ? v.asText() : "<unset>";
  }
}
