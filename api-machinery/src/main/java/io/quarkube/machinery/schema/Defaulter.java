package io.quarkube.machinery.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Defaulting from a CRD's schema, as upstream's {@code structuraldefaulting.Default}: for every object whose schema
 * lists properties with a {@code default}, absent properties (and {@code null} ones that are not
 * {@code nullable}) get a copy of the default; it recurses into properties, {@code additionalProperties} values and
 * array items, including into values it has just defaulted. A {@code null} array item or map value that is not
 * nullable takes the default of {@code items} / {@code additionalProperties}. Defaulting never creates a parent:
 * {@code spec.replicas} is defaulted only when {@code spec} exists (or {@code spec} itself has a default).
 *
 * <p>Upstream runs it after pruning and {@link Pruner#pruneNonNullableNullsWithoutDefaults}, both on request bodies
 * and on objects read from storage.
 */
public final class Defaulter {

    private Defaulter() {
    }

    /** Applies the defaults in place. */
    public static void apply(ObjectNode object, StructuralSchema schema) {
        defaultValue(object, schema);
    }

    /** Applies the defaults in place to any JSON value (an object, an array, a scalar that has nothing to do). */
    public static void applyTo(JsonNode value, StructuralSchema schema) {
        defaultValue(value, schema);
    }

    private static boolean isNonNullableNull(JsonNode x, StructuralSchema s) {
        return (x == null || x.isNull()) && s != null && !s.nullable;
    }

    private static void defaultValue(JsonNode x, StructuralSchema s) {
        if (s == null) {
            return;
        }
        if (x instanceof ObjectNode) {
            ObjectNode obj = (ObjectNode) x;
            for (Map.Entry<String, StructuralSchema> p : s.properties.entrySet()) {
                StructuralSchema prop = p.getValue();
                if (prop.defaultValue == null) {
                    continue;
                }
                String k = p.getKey();
                if (!obj.has(k) || isNonNullableNull(obj.get(k), prop)) {
                    obj.set(k, prop.defaultValue.deepCopy());
                }
            }
            List<String> keys = new ArrayList<>(obj.size());
            for (Iterator<String> it = obj.fieldNames(); it.hasNext();) {
                keys.add(it.next());
            }
            for (String k : keys) {
                StructuralSchema prop = s.properties.get(k);
                if (prop != null) {
                    defaultValue(obj.get(k), prop);
                } else if (s.additionalPropertiesAllows != null) {
                    StructuralSchema ap = s.additionalPropertiesSchema;
                    if (isNonNullableNull(obj.get(k), ap) && ap.defaultValue != null) {
                        obj.set(k, ap.defaultValue.deepCopy());
                    }
                    defaultValue(obj.get(k), ap);
                }
            }
        } else if (x instanceof ArrayNode) {
            ArrayNode arr = (ArrayNode) x;
            for (int i = 0; i < arr.size(); i++) {
                if (isNonNullableNull(arr.get(i), s.items) && s.items.defaultValue != null) {
                    arr.set(i, s.items.defaultValue.deepCopy());
                }
                defaultValue(arr.get(i), s.items);
            }
        }
    }
}
