package io.quarkube.machinery.patch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The strategic-merge tags of the built-in Kubernetes kinds (every GA group-version, autoscaling/v2,
 * CustomResourceDefinition and APIService), walked from the kind's root type.
 *
 * <p>Examples: {@code spec.template.spec.containers} of a Deployment merges by {@code name}, their {@code ports} by
 * {@code containerPort}; {@code metadata.finalizers} merges as a set; {@code spec.strategy} of a Deployment is
 * retainKeys; {@code spec.tolerations} and {@code spec.taints} have no tag and are replaced.
 */
public final class KubernetesPatchMeta implements PatchMeta {

    private static final class Holder {
        static final PatchMetaTable TABLE = PatchMetaTable.load();
    }

    private final String rootType;

    private KubernetesPatchMeta(String rootType) {
        this.rootType = rootType;
    }

    /**
     * The tags for a kind, e.g. {@code ("apps/v1", "Deployment")} or {@code ("v1", "Pod")}. Empty for kinds without
     * Go types (custom resources): upstream refuses strategic merge patch for those (415), leaving JSON merge patch.
     */
    public static Optional<PatchMeta> forKind(String apiVersion, String kind) {
        String type = Holder.TABLE.typeOf(apiVersion, kind);
        return type == null ? Optional.empty() : Optional.of(new KubernetesPatchMeta(type));
    }

    /** {@link #forKind} for the {@code apiVersion} and {@code kind} written in an object. */
    public static Optional<PatchMeta> forObject(JsonNode object) {
        if (object == null || !object.path("apiVersion").isTextual() || !object.path("kind").isTextual()) {
            return Optional.empty();
        }
        return forKind(object.get("apiVersion").asText(), object.get("kind").asText());
    }

    /** The known kinds as "apiVersion Kind" strings, sorted. */
    public static Set<String> kinds() {
        Set<String> out = new TreeSet<>();
        Holder.TABLE.kindKeys().forEach(out::add);
        return out;
    }

    @Override
    public FieldPatchMeta lookup(List<String> path) {
        String type = rootType;
        PatchMetaTable.Field field = null;
        for (String name : path) {
            if (type == null || type.isEmpty()) {
                return FieldPatchMeta.NONE;
            }
            field = Holder.TABLE.field(type, name);
            if (field == null) {
                return FieldPatchMeta.NONE;
            }
            type = field.type();
        }
        return field == null ? FieldPatchMeta.NONE : field.meta();
    }

    @Override
    public String toString() {
        return "KubernetesPatchMeta[" + rootType + "]";
    }
}
