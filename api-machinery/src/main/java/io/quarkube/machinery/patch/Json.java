package io.quarkube.machinery.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Tree helpers that reproduce how upstream's Go code sees decoded JSON ({@code map[string]interface{}} etc.). */
final class Json {

    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** The dynamic Go type a decoded JSON value has; upstream compares these with reflect.TypeOf. */
    enum GoType { MAP, SLICE, STRING, INT64, FLOAT64, BOOL, NIL }

    private Json() {
    }

    static ObjectNode object() {
        return NODES.objectNode();
    }

    /**
     * Upstream decodes integers as int64 and other numbers as float64 (UnmarshalCaseSensitivePreserveInts), so 80 and
     * 80.0 are different values there; a Jackson tree may hold ints, longs or big integers for the same int64.
     */
    static GoType goType(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return GoType.NIL;
        }
        if (n.isObject()) {
            return GoType.MAP;
        }
        if (n.isArray()) {
            return GoType.SLICE;
        }
        if (n.isNumber()) {
            return n.isIntegralNumber() ? GoType.INT64 : GoType.FLOAT64;
        }
        if (n.isBoolean()) {
            return GoType.BOOL;
        }
        return GoType.STRING;
    }

    /** Structural equality with Go's number typing; object key order never matters. */
    static boolean equal(JsonNode a, JsonNode b) {
        GoType ta = goType(a);
        if (ta != goType(b)) {
            return false;
        }
        switch (ta) {
            case NIL:
                return true;
            case INT64:
                return a.bigIntegerValue().equals(b.bigIntegerValue());
            case FLOAT64:
                return a.doubleValue() == b.doubleValue();
            case MAP:
                return equalObjects(a, b);
            case SLICE:
                return equalArrays(a, b);
            default:
                return a.asText().equals(b.asText());
        }
    }

    private static boolean equalObjects(JsonNode a, JsonNode b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!b.has(e.getKey()) || !equal(e.getValue(), b.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static boolean equalArrays(JsonNode a, JsonNode b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!equal(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** The elements of an array node as a mutable list (upstream works on []interface{}). */
    static List<JsonNode> elements(JsonNode array) {
        List<JsonNode> out = new ArrayList<>(array.size());
        array.forEach(out::add);
        return out;
    }

    static List<String> fieldNames(JsonNode object) {
        List<String> out = new ArrayList<>(object.size());
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** The value as Go's {@code %v} prints it, so error messages read like upstream's. */
    static String goString(JsonNode n) {
        switch (goType(n)) {
            case NIL:
                return "<nil>";
            case MAP: {
                Map<String, JsonNode> sorted = new TreeMap<>();
                n.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
                List<String> parts = new ArrayList<>();
                sorted.forEach((k, v) -> parts.add(k + ":" + goString(v)));
                return "map[" + String.join(" ", parts) + "]";
            }
            case SLICE: {
                List<String> parts = new ArrayList<>();
                n.forEach(v -> parts.add(goString(v)));
                return "[" + String.join(" ", parts) + "]";
            }
            case FLOAT64: {
                double d = n.doubleValue();
                return d == Math.rint(d) && Math.abs(d) < 1e21 ? Long.toString((long) d) : Double.toString(d);
            }
            default:
                return n.asText();
        }
    }

    /** The JSON type word Go's decoder uses in "cannot unmarshal X into Go value of type ..." messages. */
    static String jsonTypeWord(JsonNode n) {
        if (n.isObject()) {
            return "object";
        }
        if (n.isArray()) {
            return "array";
        }
        if (n.isNumber()) {
            return "number";
        }
        if (n.isBoolean()) {
            return "bool";
        }
        return n.isNull() ? "null" : "string";
    }

    /** Go's {@code reflect.TypeOf} name, for upstream's "expected a X, but received a Y" errors. */
    static String goTypeName(JsonNode n) {
        switch (goType(n)) {
            case MAP:
                return "map[string]interface {}";
            case SLICE:
                return "[]interface {}";
            case INT64:
                return "int64";
            case FLOAT64:
                return "float64";
            case BOOL:
                return "bool";
            case STRING:
                return "string";
            default:
                return "%!s(<nil>)";
        }
    }
}
