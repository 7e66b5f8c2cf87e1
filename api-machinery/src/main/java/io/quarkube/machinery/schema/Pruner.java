package io.quarkube.machinery.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Pruning of fields a CRD's schema does not specify, as upstream's {@code pruning.PruneWithOptions} does when it
 * decodes a custom resource (request bodies and objects read from etcd alike).
 *
 * <p>A field survives if its parent's schema lists it in {@code properties}, or has {@code additionalProperties},
 * or is {@code x-kubernetes-preserve-unknown-fields: true} (which holds for everything below it until a nested
 * schema specifies {@code properties} or {@code additionalProperties} again). {@code apiVersion}, {@code kind} and
 * {@code metadata} survive at the root of a resource and of every {@code x-kubernetes-embedded-resource}.
 */
public final class Pruner {

    private static final Set<String> META_FIELDS = Set.of("apiVersion", "kind", "metadata");

    private Pruner() {
    }

    /**
     * Removes unknown fields from {@code object} in place and returns their paths, sorted, in upstream's notation
     * ({@code spec.foo}, {@code spec.containers[0].bar}); with {@code fieldValidation=Strict} the API server
     * answers {@code unknown field "spec.foo"} for each, with {@code Warn} it sends them as warnings.
     *
     * @param isResourceRoot the object is a whole resource: keep its apiVersion, kind and metadata
     */
    public static List<String> prune(JsonNode object, StructuralSchema schema, boolean isResourceRoot) {
        StructuralSchema s = schema;
        if (isResourceRoot) {
            if (s == null) {
                s = new StructuralSchema();
            }
            if (!s.embeddedResource) {
                s = s.withEmbeddedResource();
            }
        }
        List<String> unknown = new ArrayList<>();
        prune(object, s, "", unknown);
        Collections.sort(unknown);
        return unknown;
    }

    private static void prune(JsonNode x, StructuralSchema s, String parent, List<String> unknown) {
        if (s != null && s.preserveUnknownFields()) {
            skipPrune(x, s, parent, unknown);
            return;
        }
        if (x instanceof ObjectNode) {
            ObjectNode obj = (ObjectNode) x;
            if (s == null) {
                List<String> keys = keys(obj);
                for (String k : keys) {
                    unknown.add(join(parent, k));
                }
                obj.removeAll();
                return;
            }
            for (String k : keys(obj)) {
                if (s.embeddedResource && META_FIELDS.contains(k)) {
                    continue;
                }
                StructuralSchema prop = s.properties.get(k);
                if (prop != null) {
                    prune(obj.get(k), prop, join(parent, k), unknown);
                } else if (s.additionalPropertiesAllows != null) {
                    prune(obj.get(k), s.additionalPropertiesSchema, join(parent, k), unknown);
                } else {
                    if (!META_FIELDS.contains(k) || !parent.isEmpty()) {
                        unknown.add(join(parent, k));
                    }
                    obj.remove(k);
                }
            }
        } else if (x instanceof ArrayNode) {
            StructuralSchema items = s == null ? null : s.items;
            for (int i = 0; i < x.size(); i++) {
                prune(x.get(i), items, parent + "[" + i + "]", unknown);
            }
        }
    }

    private static void skipPrune(JsonNode x, StructuralSchema s, String parent, List<String> unknown) {
        if (s == null) {
            return;
        }
        if (x instanceof ObjectNode) {
            ObjectNode obj = (ObjectNode) x;
            for (String k : keys(obj)) {
                if (s.embeddedResource && META_FIELDS.contains(k)) {
                    continue;
                }
                StructuralSchema prop = s.properties.get(k);
                if (prop != null) {
                    prune(obj.get(k), prop, join(parent, k), unknown);
                } else if (s.additionalPropertiesAllows != null) {
                    prune(obj.get(k), s.additionalPropertiesSchema, join(parent, k), unknown);
                }
            }
        } else if (x instanceof ArrayNode) {
            for (int i = 0; i < x.size(); i++) {
                skipPrune(x.get(i), s.items, parent + "[" + i + "]", unknown);
            }
        }
    }

    /**
     * Upstream's {@code PruneNonNullableNullsWithoutDefaults}, run right after pruning: drops {@code null} values
     * of fields that are neither {@code nullable} nor have a {@code default} (those are defaulted later).
     */
    public static void pruneNonNullableNullsWithoutDefaults(JsonNode object, StructuralSchema schema) {
        if (object instanceof ObjectNode) {
            ObjectNode obj = (ObjectNode) object;
            for (String k : keys(obj)) {
                StructuralSchema fs = schemaForField(k, schema);
                JsonNode v = obj.get(k);
                if (v.isNull() && fs != null && !fs.nullable && fs.defaultValue == null) {
                    obj.remove(k);
                } else {
                    pruneNonNullableNullsWithoutDefaults(v, fs);
                }
            }
        } else if (object instanceof ArrayNode) {
            StructuralSchema items = schema == null ? null : schema.items;
            for (JsonNode v : object) {
                pruneNonNullableNullsWithoutDefaults(v, items);
            }
        }
    }

    private static StructuralSchema schemaForField(String field, StructuralSchema s) {
        if (s == null) {
            return null;
        }
        StructuralSchema p = s.properties.get(field);
        if (p != null) {
            return p;
        }
        return s.additionalPropertiesAllows != null ? s.additionalPropertiesSchema : null;
    }

    private static List<String> keys(ObjectNode obj) {
        List<String> keys = new ArrayList<>(obj.size());
        obj.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    private static String join(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }
}
