package io.quarkube.machinery.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * How upstream's Go code sees and prints a decoded JSON value, so that messages match byte for byte.
 *
 * <p>Upstream decodes custom resources with {@code k8s.io/apimachinery/pkg/util/json}: objects become
 * {@code map[string]interface{}}, arrays {@code []interface{}}, integers that fit {@code int64}, every other number
 * {@code float64}. A Jackson tree may hold ints, longs, big integers, doubles or decimals for the same values;
 * {@link #kind} maps them back. The printers reproduce {@code fmt}'s {@code %v} and {@code %q} and
 * {@code encoding/json}'s {@code Marshal} (sorted keys, HTML escaping, Go float formatting).
 */
public final class GoValues {

    /** The dynamic Go type of a decoded JSON value. */
    public enum Kind { MAP, SLICE, STRING, INT64, FLOAT64, BOOL, NIL }

    private static final BigInteger MIN_LONG = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger MAX_LONG = BigInteger.valueOf(Long.MAX_VALUE);

    private GoValues() {
    }

    /** The Go kind of a node; Java null and missing nodes are Go's nil. */
    public static Kind kind(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return Kind.NIL;
        }
        if (n.isObject()) {
            return Kind.MAP;
        }
        if (n.isArray()) {
            return Kind.SLICE;
        }
        if (n.isBoolean()) {
            return Kind.BOOL;
        }
        if (n.isNumber()) {
            if (n.isIntegralNumber()) {
                if (n.isBigInteger()) {
                    BigInteger b = n.bigIntegerValue();
                    return b.compareTo(MIN_LONG) >= 0 && b.compareTo(MAX_LONG) <= 0 ? Kind.INT64 : Kind.FLOAT64;
                }
                return Kind.INT64;
            }
            if (n.isBigDecimal()) {
                // encoding/json's Number: an int64 if the text parses as one, else float64.
                BigDecimal d = n.decimalValue();
                if (d.scale() <= 0) {
                    try {
                        d.longValueExact();
                        return Kind.INT64;
                    } catch (ArithmeticException e) {
                        return Kind.FLOAT64;
                    }
                }
            }
            return Kind.FLOAT64;
        }
        if (n.isTextual() || n.isBinary()) {
            return Kind.STRING;
        }
        return Kind.NIL;
    }

    /** The Go type name as {@code reflect.Type.String()} prints it. */
    public static String typeName(JsonNode n) {
        switch (kind(n)) {
            case MAP:
                return "map[string]interface {}";
            case SLICE:
                return "[]interface {}";
            case STRING:
                return "string";
            case INT64:
                return "int64";
            case FLOAT64:
                return "float64";
            case BOOL:
                return "bool";
            default:
                return "<nil>";
        }
    }

    /** Deep equality the way {@code reflect.DeepEqual} compares decoded JSON: 1 and 1.0 differ. */
    public static boolean deepEqual(JsonNode a, JsonNode b) {
        Kind ka = kind(a);
        if (ka != kind(b)) {
            return false;
        }
        switch (ka) {
            case NIL:
                return true;
            case INT64:
                return a.longValue() == b.longValue();
            case FLOAT64:
                return a.doubleValue() == b.doubleValue();
            case BOOL:
                return a.booleanValue() == b.booleanValue();
            case STRING:
                return a.asText().equals(b.asText());
            case SLICE:
                if (a.size() != b.size()) {
                    return false;
                }
                for (int i = 0; i < a.size(); i++) {
                    if (!deepEqual(a.get(i), b.get(i))) {
                        return false;
                    }
                }
                return true;
            case MAP:
                if (a.size() != b.size()) {
                    return false;
                }
                for (Map.Entry<String, JsonNode> e : a.properties()) {
                    if (!b.has(e.getKey()) || !deepEqual(e.getValue(), b.get(e.getKey()))) {
                        return false;
                    }
                }
                return true;
            default:
                return false;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // fmt

    /** {@code strconv.Quote}: a double-quoted Go string literal. */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length();) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            switch (c) {
                case '"':
                    b.append("\\\"");
                    break;
                case '\\':
                    b.append("\\\\");
                    break;
                case 0x07:
                    b.append("\\a");
                    break;
                case '\b':
                    b.append("\\b");
                    break;
                case '\f':
                    b.append("\\f");
                    break;
                case '\n':
                    b.append("\\n");
                    break;
                case '\r':
                    b.append("\\r");
                    break;
                case '\t':
                    b.append("\\t");
                    break;
                case 0x0b:
                    b.append("\\v");
                    break;
                default:
                    if (c < ' ' || c == 0x7f) {
                        b.append(String.format("\\x%02x", c));
                    } else if (!isPrint(c)) {
                        b.append(c < 0x10000 ? String.format("\\u%04x", c) : String.format("\\U%08x", c));
                    } else {
                        b.appendCodePoint(c);
                    }
            }
        }
        return b.append('"').toString();
    }

    /** Roughly {@code unicode.IsPrint}: letters, marks, numbers, punctuation, symbols and the ASCII space. */
    static boolean isPrint(int c) {
        if (c == ' ') {
            return true;
        }
        switch (Character.getType(c)) {
            case Character.CONTROL:
            case Character.FORMAT:
            case Character.SURROGATE:
            case Character.PRIVATE_USE:
            case Character.UNASSIGNED:
            case Character.LINE_SEPARATOR:
            case Character.PARAGRAPH_SEPARATOR:
            case Character.SPACE_SEPARATOR:
                return false;
            default:
                return true;
        }
    }

    /** {@code fmt.Sprint} of a float64 ({@code %v}): shortest digits, exponent form below 1e-4 and from 1e+06. */
    public static String formatFloat(double f) {
        if (Double.isNaN(f)) {
            return "NaN";
        }
        if (Double.isInfinite(f)) {
            return f > 0 ? "+Inf" : "-Inf";
        }
        if (f == 0) {
            return (1 / f < 0) ? "-0" : "0";
        }
        Digits d = digits(f);
        int exp = d.dp - 1;
        // strconv's 'g' with the shortest precision decides with eprec = 6
        if (exp < -4 || exp >= 6) {
            return (f < 0 ? "-" : "") + exponent(d, exp);
        }
        return (f < 0 ? "-" : "") + plain(d);
    }

    /** {@code strconv.FormatFloat(f, 'f', -1, 64)}: the shortest digits in plain decimal notation. */
    public static String formatFloatPlain(double f) {
        if (Double.isNaN(f)) {
            return "NaN";
        }
        if (Double.isInfinite(f)) {
            return f > 0 ? "+Inf" : "-Inf";
        }
        if (f == 0) {
            return (1 / f < 0) ? "-0" : "0";
        }
        return (f < 0 ? "-" : "") + plain(digits(f));
    }

    /** How {@code encoding/json} writes a float64: plain unless tiny or huge, then {@code 1e-7} / {@code 1e+21}. */
    static String formatJsonFloat(double f) {
        double abs = Math.abs(f);
        if (abs != 0 && (abs < 1e-6 || abs >= 1e21)) {
            Digits d = digits(f);
            String s = exponent(d, d.dp - 1);
            // encoding/json cleans up e-09 to e-9
            int n = s.length();
            if (n >= 4 && s.charAt(n - 4) == 'e' && s.charAt(n - 3) == '-' && s.charAt(n - 2) == '0') {
                s = s.substring(0, n - 2) + s.charAt(n - 1);
            }
            return (f < 0 ? "-" : "") + s;
        }
        return formatFloatPlain(f);
    }

    private static final class Digits {
        final String digits; // significant decimal digits, no leading/trailing zeros
        final int dp; // decimal point position: value = 0.digits * 10^dp

        Digits(String digits, int dp) {
            this.digits = digits;
            this.dp = dp;
        }
    }

    private static Digits digits(double f) {
        BigDecimal bd = new BigDecimal(Double.toString(Math.abs(f))).stripTrailingZeros();
        String unscaled = bd.unscaledValue().toString();
        return new Digits(unscaled, unscaled.length() - bd.scale());
    }

    private static String exponent(Digits d, int exp) {
        StringBuilder b = new StringBuilder();
        b.append(d.digits.charAt(0));
        if (d.digits.length() > 1) {
            b.append('.').append(d.digits, 1, d.digits.length());
        }
        b.append('e').append(exp < 0 ? '-' : '+');
        int e = Math.abs(exp);
        if (e < 10) {
            b.append('0');
        }
        return b.append(e).toString();
    }

    private static String plain(Digits d) {
        StringBuilder b = new StringBuilder();
        if (d.dp <= 0) {
            b.append("0.");
            for (int i = 0; i < -d.dp; i++) {
                b.append('0');
            }
            b.append(d.digits);
        } else if (d.dp >= d.digits.length()) {
            b.append(d.digits);
            for (int i = d.digits.length(); i < d.dp; i++) {
                b.append('0');
            }
        } else {
            b.append(d.digits, 0, d.dp).append('.').append(d.digits, d.dp, d.digits.length());
        }
        return b.toString();
    }

    /** {@code fmt.Sprint(v)} of a decoded JSON value ({@code %v}): maps as {@code map[k:v]}, slices as {@code [a b]}. */
    public static String sprint(JsonNode n) {
        switch (kind(n)) {
            case NIL:
                return "<nil>";
            case STRING:
                return n.asText();
            case INT64:
                return Long.toString(n.longValue());
            case FLOAT64:
                return formatFloat(n.doubleValue());
            case BOOL:
                return Boolean.toString(n.booleanValue());
            case SLICE: {
                StringBuilder b = new StringBuilder("[");
                for (int i = 0; i < n.size(); i++) {
                    if (i > 0) {
                        b.append(' ');
                    }
                    b.append(sprint(n.get(i)));
                }
                return b.append(']').toString();
            }
            default: {
                StringBuilder b = new StringBuilder("map[");
                boolean first = true;
                for (String k : sortedKeys(n)) {
                    if (!first) {
                        b.append(' ');
                    }
                    first = false;
                    b.append(k).append(':').append(sprint(n.get(k)));
                }
                return b.append(']').toString();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // encoding/json

    /** {@code json.Marshal} of a decoded JSON value: compact, map keys sorted, HTML characters escaped. */
    public static String marshal(JsonNode n) {
        StringBuilder b = new StringBuilder();
        marshal(n, b);
        return b.toString();
    }

    private static void marshal(JsonNode n, StringBuilder b) {
        switch (kind(n)) {
            case NIL:
                b.append("null");
                break;
            case BOOL:
                b.append(n.booleanValue());
                break;
            case INT64:
                b.append(n.longValue());
                break;
            case FLOAT64:
                b.append(formatJsonFloat(n.doubleValue()));
                break;
            case STRING:
                marshalString(n.asText(), b);
                break;
            case SLICE:
                b.append('[');
                for (int i = 0; i < n.size(); i++) {
                    if (i > 0) {
                        b.append(',');
                    }
                    marshal(n.get(i), b);
                }
                b.append(']');
                break;
            default:
                b.append('{');
                boolean first = true;
                for (String k : sortedKeys(n)) {
                    if (!first) {
                        b.append(',');
                    }
                    first = false;
                    marshalString(k, b);
                    b.append(':');
                    marshal(n.get(k), b);
                }
                b.append('}');
        }
    }

    /** {@code json.Marshal} of a string. */
    public static String marshalString(String s) {
        StringBuilder b = new StringBuilder();
        marshalString(s, b);
        return b.toString();
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private static void marshalString(String s, StringBuilder b) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\':
                case '"':
                    b.append('\\').append(c);
                    break;
                case '\b':
                    b.append("\\b");
                    break;
                case '\f':
                    b.append("\\f");
                    break;
                case '\n':
                    b.append("\\n");
                    break;
                case '\r':
                    b.append("\\r");
                    break;
                case '\t':
                    b.append("\\t");
                    break;
                case '<':
                case '>':
                case '&':
                case '\u2028':
                case '\u2029':
                    b.append("\\u").append(String.format("%04x", (int) c));
                    break;
                default:
                    if (c < 0x20) {
                        b.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                    } else if (Character.isSurrogate(c)
                            && !(Character.isHighSurrogate(c) && i + 1 < s.length()
                                    && Character.isLowSurrogate(s.charAt(i + 1)))
                            && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1)))) {
                        b.append("\\ufffd");
                    } else {
                        b.append(c);
                    }
            }
        }
        b.append('"');
    }

    static List<String> sortedKeys(JsonNode n) {
        List<String> keys = new ArrayList<>(n.size());
        n.fieldNames().forEachRemaining(keys::add);
        Collections.sort(keys);
        return keys;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // numbers

    /** {@code swag.IsFloat64AJSONInteger}: whether a float64 is an integer a JSON reader can hold exactly. */
    static boolean isFloat64AJSONInteger(double f) {
        double maxJsonFloat = 9007199254740991d; // 1<<53 - 1
        if (Double.isNaN(f) || Double.isInfinite(f) || f < -maxJsonFloat || f > maxJsonFloat) {
            return false;
        }
        if (f == Math.rint(f)) {
            return true;
        }
        if (f < 0) {
            return false;
        }
        double g = Math.floor(f);
        double diff = Math.abs(f - g);
        if (g == 0 || diff < Double.MIN_VALUE) {
            return diff < 1e-9 * Double.MIN_VALUE;
        }
        return diff / Math.min(f + g, Double.MAX_VALUE) < 1e-9;
    }
}
