package io.quarkube.proto.kube;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Maps Kubernetes group/version/kind to the protobuf message that carries it on the wire, built from the generated
 * file descriptors: proto package {@code k8s.io.api.<short>.<version>} holds the kinds of one API group version.
 */
final class KindRegistry {

    private static final String API_PACKAGE = "k8s.io.api.";
    private static final String META_PACKAGE = "k8s.io.apimachinery.pkg.apis.meta.v1";

    /** Short package names whose API group is not {@code <short>.k8s.io}. */
    private static final Map<String, String> GROUP_EXCEPTIONS = Map.of(
            "core", "",
            "apps", "apps",
            "batch", "batch",
            "autoscaling", "autoscaling",
            "policy", "policy",
            "rbac", "rbac.authorization.k8s.io",
            "flowcontrol", "flowcontrol.apiserver.k8s.io");

    /**
     * meta/v1 kinds that Kubernetes registers into every group version (options, watch events) or that the server
     * answers with under any apiVersion (Status, discovery documents), so a client may send e.g. DeleteOptions with
     * apiVersion "apps/v1".
     */
    private static final Set<String> SHARED_META_KINDS = Set.of(
            "Status", "DeleteOptions", "ListOptions", "GetOptions", "CreateOptions", "UpdateOptions",
            "PatchOptions", "WatchEvent", "APIVersions", "APIGroupList", "APIGroup", "APIResourceList",
            "PartialObjectMetadata", "PartialObjectMetadataList", "TableOptions");

    private final Map<GroupVersionKind, Descriptor> kinds = new HashMap<>();
    private final Map<String, Descriptor> sharedMetaKinds = new HashMap<>();

    KindRegistry(List<FileDescriptor> files) {
        for (FileDescriptor file : files) {
            String pkg = file.getPackage();
            if (pkg.equals(META_PACKAGE)) {
                for (Descriptor message : file.getMessageTypes()) {
                    kinds.put(new GroupVersionKind("meta.k8s.io", "v1", message.getName()), message);
                    if (SHARED_META_KINDS.contains(message.getName())) {
                        sharedMetaKinds.put(message.getName(), message);
                    }
                }
            } else if (pkg.startsWith(API_PACKAGE)) {
                String[] parts = pkg.substring(API_PACKAGE.length()).split("\\.");
                if (parts.length != 2) {
                    continue;
                }
                String group = GROUP_EXCEPTIONS.getOrDefault(parts[0], parts[0] + ".k8s.io");
                for (Descriptor message : file.getMessageTypes()) {
                    if (isKind(message)) {
                        kinds.put(new GroupVersionKind(group, parts[1], message.getName()), message);
                    }
                }
            }
        }
    }

    /** The message for a kind, falling back to the meta/v1 kinds every group version shares. */
    Optional<Descriptor> find(GroupVersionKind gvk) {
        Descriptor found = kinds.get(gvk);
        if (found == null) {
            found = sharedMetaKinds.get(gvk.kind());
        }
        return Optional.ofNullable(found);
    }

    /**
     * Top-level kinds have ObjectMeta or ListMeta in a {@code metadata} field; the {@code *Options} kinds (pod logs,
     * exec, proxy) have none. Helper types such as Container are left out so that they never pass for a kind.
     */
    private static boolean isKind(Descriptor message) {
        FieldDescriptor metadata = message.findFieldByName("metadata");
        if (metadata != null && metadata.getType() == FieldDescriptor.Type.MESSAGE) {
            String type = metadata.getMessageType().getFullName();
            return type.equals(META_PACKAGE + ".ObjectMeta") || type.equals(META_PACKAGE + ".ListMeta");
        }
        return message.getName().endsWith("Options");
    }
}
