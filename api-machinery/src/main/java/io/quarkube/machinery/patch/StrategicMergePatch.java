package io.quarkube.machinery.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Strategic merge patch ({@code application/strategic-merge-patch+json}) as the API server applies it
 * (upstream's {@code StrategicMergeMapPatch}).
 *
 * <p>Maps merge and {@code null} deletes, as in JSON merge patch. Lists are replaced unless the field is tagged
 * {@code merge}: then lists of maps merge element-wise by the merge key and lists of primitives merge as sets.
 * Directives: {@code $patch: replace|delete} on a map or as a list element, {@code $retainKeys},
 * {@code $deleteFromPrimitiveList/<field>} and {@code $setElementOrder/<field>}.
 *
 * <p>Errors carry upstream's status codes: a malformed directive is 400, a list of lists 422, and the rest (a missing
 * merge key, mismatched element types, a bad {@code $setElementOrder}) 500 with upstream's raw message, because
 * upstream does not translate those.
 */
public final class StrategicMergePatch {

    private StrategicMergePatch() {
    }

    /**
     * Returns the patched object; neither argument is modified.
     *
     * @param target the current object (a JSON object)
     * @param patch  the patch as sent; {@code null} or JSON null changes nothing
     * @param meta   the patch tags of the object's type, e.g. {@link KubernetesPatchMeta#forKind}
     */
    public static JsonNode apply(JsonNode target, JsonNode patch, PatchMeta meta) {
        ObjectNode original;
        if (target == null || target.isNull() || target.isMissingNode()) {
            original = Json.object();
        } else if (target.isObject()) {
            original = target.deepCopy();
        } else {
            throw PatchException.badRequest("invalid JSON document");
        }
        if (patch == null || patch.isNull() || patch.isMissingNode()) {
            return original;
        }
        if (!patch.isObject()) {
            throw PatchException.badRequest("json: cannot unmarshal " + Json.jsonTypeWord(patch)
                    + " into Go value of type map[string]interface {}");
        }
        return new StrategicMerger(meta == null ? PatchMeta.NONE : meta)
                .mergeMap(original, ((ObjectNode) patch).deepCopy(), List.of());
    }
}
