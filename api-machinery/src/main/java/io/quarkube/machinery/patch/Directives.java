package io.quarkube.machinery.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Set;

/** Strategic-merge directives ({@code $patch}, {@code $retainKeys}, parallel lists) and upstream's errors for them. */
final class Directives {

    static final String PATCH = "$patch";
    static final String DELETE = "delete";
    static final String REPLACE = "replace";
    static final String MERGE = "merge";
    static final String RETAIN_KEYS = "$retainKeys";
    static final String DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList";
    static final String SET_ELEMENT_ORDER = "$setElementOrder";

    // upstream's mergepatch sentinel errors that its patch handler answers with 400
    static final String BAD_PRIMITIVE_LIST = "invalid patch format of primitive list";
    static final String BAD_RETAIN_KEYS = "invalid patch format of retainKeys";
    static final String BAD_SET_ELEMENT_ORDER = "invalid patch format of setElementOrder list";

    private Directives() {
    }

    /** The field a parallel-list key such as {@code $setElementOrder/containers} refers to. */
    static String extractKey(String key, String prefix) {
        String[] parts = key.split("/", 2);
        if (parts.length <= 1 || !parts[0].equals(prefix)) {
            throw PatchException.badRequest(
                    prefix.equals(SET_ELEMENT_ORDER) ? BAD_SET_ELEMENT_ORDER : BAD_PRIMITIVE_LIST);
        }
        return parts[1];
    }

    static boolean isDirective(JsonNode element, String directive) {
        JsonNode v = element == null ? null : element.get(PATCH);
        return v != null && v.isTextual() && v.asText().equals(directive);
    }

    static boolean hasDirective(JsonNode element) {
        return element != null && element.isObject() && element.has(PATCH);
    }

    /** {@code $patch} on a map: "replace" keeps just the patch, "delete" empties the map. */
    static ObjectNode applyMapDirective(ObjectNode patch) {
        if (isDirective(patch, REPLACE)) {
            patch.remove(PATCH);
            return (ObjectNode) clean(patch);
        }
        if (isDirective(patch, DELETE)) {
            return Json.object();
        }
        throw PatchException.internal(badPatchType(patch.get(PATCH), patch));
    }

    static String badPatchType(JsonNode directive, JsonNode map) {
        return "unknown patch type: " + Json.goString(directive) + " in map: " + Json.goString(map);
    }

    static String noMergeKey(JsonNode map, String mergeKey) {
        return "map: " + Json.goString(map) + " does not contain declared merge key: " + mergeKey;
    }

    static String badArgType(String expected, JsonNode actual) {
        return "expected a " + expected + ", but received a " + Json.goTypeName(actual);
    }

    /**
     * {@code $retainKeys}: drops every key of the original that the list does not name. Every key the patch sets
     * must be named too, else the patch is malformed (400).
     */
    static void applyRetainKeys(ObjectNode original, ObjectNode patch) {
        JsonNode list = patch.remove(RETAIN_KEYS);
        if (list == null) {
            return;
        }
        if (!list.isArray()) {
            throw PatchException.badRequest(BAD_RETAIN_KEYS);
        }
        Set<String> keep = new HashSet<>();
        list.forEach(v -> {
            if (v.isTextual()) {
                keep.add(v.asText());
            }
        });
        for (String k : Json.fieldNames(patch)) {
            boolean parallel = k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER);
            if (!patch.get(k).isNull() && !parallel && !keep.contains(k)) {
                throw PatchException.badRequest(BAD_RETAIN_KEYS);
            }
        }
        for (String k : Json.fieldNames(original)) {
            if (!keep.contains(k)) {
                original.remove(k);
            }
        }
    }

    /**
     * Prepares a value taken from the patch as is: null members are dropped and so are maps carrying {@code $patch}
     * (upstream's discardNullValuesFromPatch and removeDirectives). Other directive keys are dropped too; upstream
     * leaves them to the typed decoding that follows, which ignores them, and we have no such decoding.
     *
     * @return the same node cleaned in place, or null when the value itself is a directive and must vanish
     */
    static JsonNode clean(JsonNode value) {
        if (value.isObject()) {
            ObjectNode o = (ObjectNode) value;
            if (o.has(PATCH)) {
                return null;
            }
            for (String k : Json.fieldNames(o)) {
                JsonNode v = o.get(k);
                if (v.isNull() || k.equals(RETAIN_KEYS) || k.startsWith(SET_ELEMENT_ORDER + "/")
                        || k.startsWith(DELETE_FROM_PRIMITIVE_LIST + "/") || clean(v) == null) {
                    o.remove(k);
                }
            }
        } else if (value.isArray()) {
            ArrayNode a = (ArrayNode) value;
            for (int i = a.size() - 1; i >= 0; i--) {
                if (clean(a.get(i)) == null) {
                    a.remove(i);
                }
            }
        }
        return value;
    }
}
