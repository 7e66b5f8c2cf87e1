package io.quarkube.machinery.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Upstream's {@code listtype.ValidateListSetsAndMaps}: items of {@code x-kubernetes-list-type: set} arrays and
 * the keys of {@code map} arrays are unique; each later duplicate is reported once as {@code Duplicate value}.
 */
final class ListTypes {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Stands for a map item without the key (an unspecified key differs from a null one). */
    private static final String UNSPECIFIED = "\u0000unspecified";

    private ListTypes() {
    }

    static List<FieldError> validate(String path, StructuralSchema s, JsonNode obj) {
        List<FieldError> errs = new ArrayList<>();
        validateObject(path, s, obj, errs);
        return errs;
    }

    private static void validateObject(String path, StructuralSchema s, JsonNode obj, List<FieldError> errs) {
        if (s == null || obj == null || !obj.isObject()) {
            return;
        }
        if (s.additionalPropertiesSchema != null) {
            for (Map.Entry<String, JsonNode> e : obj.properties()) {
                validateValue(Paths.key(path, e.getKey()), s.additionalPropertiesSchema, e.getValue(), errs);
            }
        }
        if (!s.properties.isEmpty()) {
            for (Map.Entry<String, JsonNode> e : obj.properties()) {
                StructuralSchema sub = s.properties.get(e.getKey());
                if (sub != null) {
                    validateValue(Paths.child(path, e.getKey()), sub, e.getValue(), errs);
                }
            }
        }
    }

    private static void validateValue(String path, StructuralSchema s, JsonNode v, List<FieldError> errs) {
        if (v == null) {
            return;
        }
        if (v.isArray()) {
            validateArray(path, s, v, errs);
        } else if (v.isObject()) {
            validateObject(path, s, v, errs);
        }
    }

    private static void validateArray(String path, StructuralSchema s, JsonNode arr, List<FieldError> errs) {
        if (s.listType != null) {
            if (s.listType.equals("set")) {
                for (int i : nonUnique(keysOf(arr))) {
                    errs.add(FieldError.duplicate(Paths.index(path, i), arr.get(i)));
                }
            } else if (s.listType.equals("map")) {
                validateListMap(path, s, arr, errs);
            }
        }
        if (s.items != null) {
            for (int i = 0; i < arr.size(); i++) {
                validateValue(Paths.index(path, i), s.items, arr.get(i), errs);
            }
        }
    }

    private static void validateListMap(String path, StructuralSchema s, JsonNode arr, List<FieldError> errs) {
        for (int i = 0; i < arr.size(); i++) {
            JsonNode x = arr.get(i);
            if (!x.isNull() && !x.isObject()) {
                errs.add(FieldError.invalid(Paths.index(path, i), x, "must be an object for an array of list-type map"));
                return;
            }
        }
        if (arr.size() <= 1) {
            return;
        }
        if (s.listMapKeys.size() == 1) {
            String keyField = s.listMapKeys.get(0);
            List<String> keys = new ArrayList<>();
            List<JsonNode> keyValues = new ArrayList<>();
            for (JsonNode x : arr) {
                JsonNode k = x.isNull() ? null : x.get(keyField);
                keyValues.add(k);
                keys.add(k == null ? UNSPECIFIED : identity(k));
            }
            for (int i : nonUnique(keys)) {
                ObjectNode dup = NODES.objectNode();
                if (keyValues.get(i) != null) {
                    dup.set(keyField, keyValues.get(i));
                }
                errs.add(FieldError.duplicate(Paths.index(path, i), dup));
            }
            return;
        }
        List<ObjectNode> keyObjects = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (JsonNode x : arr) {
            ObjectNode key = NODES.objectNode();
            if (!x.isNull()) {
                for (String f : s.listMapKeys) {
                    if (x.has(f)) {
                        key.set(f, x.get(f));
                    }
                }
            }
            keyObjects.add(key);
            keys.add(identity(key));
        }
        for (int i : nonUnique(keys)) {
            errs.add(FieldError.duplicate(Paths.index(path, i), keyObjects.get(i)));
        }
    }

    private static List<String> keysOf(JsonNode arr) {
        List<String> keys = new ArrayList<>();
        for (JsonNode x : arr) {
            keys.add(identity(x));
        }
        return keys;
    }

    /** Scalars compare as Go interface values (type and value), compounds by their JSON. */
    private static String identity(JsonNode x) {
        switch (GoValues.kind(x)) {
            case MAP:
            case SLICE:
                return "j" + GoValues.marshal(x);
            case STRING:
                return "s" + x.asText();
            case INT64:
                return "i" + x.longValue();
            case FLOAT64:
                return "f" + x.doubleValue();
            case BOOL:
                return "b" + x.booleanValue();
            default:
                return "n";
        }
    }

    /** The index of each value's second appearance. */
    private static List<Integer> nonUnique(List<String> keys) {
        List<Integer> out = new ArrayList<>();
        if (keys.size() <= 1) {
            return out;
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            int times = seen.merge(keys.get(i), 1, Integer::sum);
            if (times == 2) {
                out.add(i);
            }
        }
        return out;
    }
}
