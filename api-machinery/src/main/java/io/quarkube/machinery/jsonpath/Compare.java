package io.quarkube.machinery.jsonpath;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkube.machinery.schema.GoValues;

/**
 * Filter comparisons as client-go's forked {@code text/template} functions: both sides must be of the same basic
 * kind (bool, integer, float, string), so {@code 1 == 1.0} is an error ("incompatible types for comparison") and
 * objects, arrays and nulls cannot be compared at all ("invalid type for comparison").
 */
final class Compare {

    private enum Kind { BOOL, INT, FLOAT, STRING }

    private Compare() {
    }

    private static Kind kind(JsonNode v) {
        switch (GoValues.kind(v)) {
            case BOOL:
                return Kind.BOOL;
            case INT64:
                return Kind.INT;
            case FLOAT64:
                return Kind.FLOAT;
            case STRING:
                return Kind.STRING;
            default:
                throw new JsonPathException("invalid type for comparison");
        }
    }

    static boolean test(String op, JsonNode left, JsonNode right) {
        switch (op) {
            case "<":
                return less(left, right);
            case ">":
                return !lessEqual(left, right);
            case "==":
                return equal(left, right);
            case "!=":
                return !equal(left, right);
            case "<=":
                return lessEqual(left, right);
            case ">=":
                return !less(left, right);
            default:
                throw new JsonPathException("unrecognized filter operator " + op);
        }
    }

    static boolean equal(JsonNode a, JsonNode b) {
        Kind k1 = kind(a);
        Kind k2 = kind(b);
        if (k1 != k2) {
            throw new JsonPathException("incompatible types for comparison");
        }
        switch (k1) {
            case BOOL:
                return a.booleanValue() == b.booleanValue();
            case FLOAT:
                return a.doubleValue() == b.doubleValue();
            case INT:
                return a.longValue() == b.longValue();
            default:
                return a.asText().equals(b.asText());
        }
    }

    static boolean less(JsonNode a, JsonNode b) {
        Kind k1 = kind(a);
        Kind k2 = kind(b);
        if (k1 != k2) {
            throw new JsonPathException("incompatible types for comparison");
        }
        switch (k1) {
            case BOOL:
                throw new JsonPathException("invalid type for comparison");
            case FLOAT:
                return a.doubleValue() < b.doubleValue();
            case INT:
                return a.longValue() < b.longValue();
            default:
                return compareBytes(a.asText(), b.asText()) < 0;
        }
    }

    static boolean lessEqual(JsonNode a, JsonNode b) {
        return less(a, b) || equal(a, b);
    }

    /** Go compares strings by their UTF-8 bytes. */
    private static int compareBytes(String a, String b) {
        byte[] x = a.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] y = b.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int n = Math.min(x.length, y.length);
        for (int i = 0; i < n; i++) {
            int c = Integer.compare(x[i] & 0xff, y[i] & 0xff);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }
}
