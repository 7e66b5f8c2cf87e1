package io.quarkube.machinery.apply;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Decoded JSON as structured-merge-diff sees it ({@code value.Value}): integers are int64, other numbers float64, and
 * values of any type have one total order (numbers, strings, booleans, lists, maps, null).
 */
final class Values {

    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final ObjectMapper MAPPER = new ObjectMapper();
    /** Fails on trailing data, as upstream's readers of managedFields do. */
    static final ObjectReader STRICT_READER = MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Values() {
    }

    static boolean isFloat(JsonNode v) {
        return v.isNumber() && !v.isIntegralNumber();
    }

    static boolean isInt(JsonNode v) {
        return v.isIntegralNumber();
    }

    static boolean isScalar(JsonNode v) {
        return v.isNumber() || v.isTextual() || v.isBoolean();
    }

    /** Equality of two present values; ints and floats compare by number, maps ignore key order. */
    static boolean equal(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return a == b;
        }
        return compare(a, b) == 0;
    }

    /**
     * A hash consistent with {@link #compare} for scalars (numbers by their double value, as an int and a float of
     * the same value compare equal); anything else hashes to 0, which is consistent too.
     */
    static int hashOfScalar(JsonNode v) {
        if (v.isNumber()) {
            return Double.hashCode(v.doubleValue());
        }
        if (v.isTextual()) {
            return v.textValue().hashCode();
        }
        return v.isBoolean() ? Boolean.hashCode(v.booleanValue()) : 0;
    }

    /** The total order of {@code value.Compare}. */
    static int compare(JsonNode l, JsonNode r) {
        if (isFloat(l)) {
            if (!isFloat(r)) {
                return isInt(r) ? Double.compare(l.doubleValue(), r.doubleValue()) : -1;
            }
            return Double.compare(l.doubleValue(), r.doubleValue());
        } else if (isFloat(r)) {
            return isInt(l) ? Double.compare(l.doubleValue(), r.doubleValue()) : 1;
        }
        if (isInt(l)) {
            if (isInt(r) && l.canConvertToLong() && r.canConvertToLong()) {
                return Long.compare(l.longValue(), r.longValue());
            }
            return isInt(r) ? l.bigIntegerValue().compareTo(r.bigIntegerValue()) : -1;
        } else if (isInt(r)) {
            return 1;
        }
        if (l.isTextual()) {
            return r.isTextual() ? Integer.signum(l.textValue().compareTo(r.textValue())) : -1;
        } else if (r.isTextual()) {
            return 1;
        }
        if (l.isBoolean()) {
            return r.isBoolean() ? Boolean.compare(l.booleanValue(), r.booleanValue()) : -1;
        } else if (r.isBoolean()) {
            return 1;
        }
        if (l.isArray()) {
            return r.isArray() ? compareLists(l, r) : -1;
        } else if (r.isArray()) {
            return 1;
        }
        if (l.isObject()) {
            return r.isObject() ? compareMaps(l, r) : -1;
        } else if (r.isObject()) {
            return 1;
        }
        if (l.isNull()) {
            return r.isNull() ? 0 : -1;
        } else if (r.isNull()) {
            return 1;
        }
        return 0;
    }

    private static int compareLists(JsonNode l, JsonNode r) {
        for (int i = 0; ; i++) {
            if (i >= l.size() && i >= r.size()) {
                return 0;
            }
            if (i >= l.size()) {
                return -1;
            }
            if (i >= r.size()) {
                return 1;
            }
            int c = compare(l.get(i), r.get(i));
            if (c != 0) {
                return c;
            }
        }
    }

    private static int compareMaps(JsonNode l, JsonNode r) {
        if (l.size() == 0 && r.size() == 0) {
            return 0;
        }
        TreeSet<String> keys = new TreeSet<>();
        l.fieldNames().forEachRemaining(keys::add);
        r.fieldNames().forEachRemaining(keys::add);
        int i = 0;
        for (String key : keys) {
            int c;
            JsonNode lv = l.get(key);
            JsonNode rv = r.get(key);
            if (i == l.size()) {
                c = -1;
            } else if (i == r.size()) {
                c = 1;
            } else if (lv == null) {
                c = 1;
            } else if (rv == null) {
                c = -1;
            } else {
                c = compare(lv, rv);
            }
            i++;
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** Go's {@code %v} of a value, as structured-merge-diff prints key and set values ({@code value.ToString}). */
    static String toGoString(JsonNode v) {
        if (v == null || v.isNull()) {
            return "null";
        }
        if (isFloat(v)) {
            return goFloatV(v.doubleValue());
        }
        if (isInt(v)) {
            return v.bigIntegerValue().toString();
        }
        if (v.isTextual()) {
            return goQuote(v.textValue());
        }
        if (v.isBoolean()) {
            return Boolean.toString(v.booleanValue());
        }
        if (v.isArray()) {
            List<String> parts = new ArrayList<>();
            v.forEach(e -> parts.add(toGoString(e)));
            return "[" + String.join(",", parts) + "]";
        }
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            sb.append(e.getKey()).append('=').append(toGoString(e.getValue()));
        }
        return sb.toString();
    }

    /** Go's {@code %q} (strconv.Quote) for the common cases. */
    static String goQuote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            switch (cp) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 7 -> sb.append("\\a");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case 11 -> sb.append("\\v");
                default -> {
                    if (cp < 0x20 || cp == 0x7f) {
                        sb.append(String.format("\\x%02x", cp));
                    } else if (Character.isISOControl(cp) || !isPrintable(cp)) {
                        sb.append(cp > 0xffff ? String.format("\\U%08x", cp) : String.format("\\u%04x", cp));
                    } else {
                        sb.appendCodePoint(cp);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    private static boolean isPrintable(int cp) {
        int type = Character.getType(cp);
        return type != Character.UNASSIGNED && type != Character.FORMAT && type != Character.SURROGATE
                && type != Character.PRIVATE_USE && type != Character.LINE_SEPARATOR
                && type != Character.PARAGRAPH_SEPARATOR && (type != Character.SPACE_SEPARATOR || cp == ' ');
    }

    /** Go's {@code %v} of a float64: shortest digits, exponent form below 1e-4 and from 1e21. */
    static String goFloatV(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "+Inf" : "-Inf";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0" : "0";
        }
        BigDecimal bd = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        int exp = bd.precision() - bd.scale() - 1;
        if (exp < -4 || exp >= 21) {
            return goExponent(bd, exp, 2);
        }
        return bd.toPlainString();
    }

    /** encoding/json's float64 text: plain between 1e-6 and 1e21, else exponent form with at least one digit. */
    static String jsonFloat(double d) {
        if (d == 0) {
            return "0";
        }
        BigDecimal bd = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        double abs = Math.abs(d);
        if (abs < 1e-6 || abs >= 1e21) {
            int exp = bd.precision() - bd.scale() - 1;
            return goExponent(bd, exp, 1);
        }
        return bd.toPlainString();
    }

    private static String goExponent(BigDecimal bd, int exp, int minExpDigits) {
        String digits = bd.unscaledValue().abs().toString();
        StringBuilder sb = new StringBuilder();
        if (bd.signum() < 0) {
            sb.append('-');
        }
        sb.append(digits.charAt(0));
        if (digits.length() > 1) {
            sb.append('.').append(digits, 1, digits.length());
        }
        sb.append('e').append(exp < 0 ? '-' : '+');
        String e = Integer.toString(Math.abs(exp));
        while (e.length() < minExpDigits) {
            e = "0" + e;
        }
        return sb.append(e).toString();
    }

    /**
     * Writes a value the way Go's JSON encoders do for decoded JSON: map keys sorted, HTML characters escaped,
     * integers as int64 and other numbers in Go's float format.
     */
    static void writeGoJson(StringBuilder sb, JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            sb.append("null");
        } else if (v.isObject()) {
            TreeSet<String> keys = new TreeSet<>();
            v.fieldNames().forEachRemaining(keys::add);
            sb.append('{');
            boolean first = true;
            for (String k : keys) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                writeGoString(sb, k);
                sb.append(':');
                writeGoJson(sb, v.get(k));
            }
            sb.append('}');
        } else if (v.isArray()) {
            sb.append('[');
            for (int i = 0; i < v.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                writeGoJson(sb, v.get(i));
            }
            sb.append(']');
        } else if (isFloat(v)) {
            sb.append(jsonFloat(v.doubleValue()));
        } else if (isInt(v)) {
            sb.append(v.bigIntegerValue());
        } else if (v.isBoolean()) {
            sb.append(v.booleanValue());
        } else {
            writeGoString(sb, v.asText());
        }
    }

    static String toGoJson(JsonNode v) {
        StringBuilder sb = new StringBuilder();
        writeGoJson(sb, v);
        return sb.toString();
    }

    /** A JSON string as Go writes it with HTML escaping on (json-iterator's standard-library-compatible mode). */
    static void writeGoString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '<', '>', '&' -> sb.append(String.format("\\u%04x", (int) c));
                case '\u2028', '\u2029' -> sb.append(String.format("\\u%04x", (int) c));
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    static ObjectNode object() {
        return NODES.objectNode();
    }

    static ArrayNode array() {
        return NODES.arrayNode();
    }
}
