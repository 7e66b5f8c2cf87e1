package io.quarkube.machinery.jsonpath;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.machinery.schema.FieldError;
import io.quarkube.machinery.schema.GoValues;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One of a CRD version's {@code additionalPrinterColumns}, as upstream's CRD table convertor
 * ({@code pkg/registry/customresource/tableconvertor}) renders it into a {@code meta.k8s.io/v1} Table.
 *
 * <p>Upstream's rules, which {@link #cell} follows:
 * <ul>
 * <li>the column's {@code jsonPath} is evaluated with missing keys allowed; an evaluation error or no result gives a
 * {@code null} cell;</li>
 * <li>only the <em>first</em> value is used ({@code .spec.items[*].name} shows the first name; the table
 * convertor does not join values, kubectl's {@code -o custom-columns} does);</li>
 * <li>{@code string} columns print that value as kubectl's JSONPath prints it (strings raw, numbers and booleans as
 * text, objects and arrays as JSON, a JSON null as {@code <no value>});</li>
 * <li>{@code integer}, {@code number}, {@code boolean} columns take the value if it has that JSON type (a float is
 * truncated for {@code integer}, an integer widened for {@code number}), else {@code null};</li>
 * <li>{@code date} columns: the server renders the age of an RFC 3339 timestamp like every AGE column
 * ({@code 5m}, {@code 3d4h}), {@code <unknown>} for an empty timestamp and {@code <invalid>} for one that does not
 * parse; kubectl prints table cells as they come.</li>
 * </ul>
 */
public final class PrinterColumn {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> TYPES = Set.of("integer", "number", "string", "boolean", "date");
    private static final Set<String> FORMATS = Set.of("int32", "int64", "float", "double", "byte", "date",
            "date-time", "password");

    private final String name;
    private final String type;
    private final String format;
    private final String description;
    private final int priority;
    private final String jsonPath;
    private final JsonPath path;

    private PrinterColumn(String name, String type, String format, String description, int priority,
            String jsonPath) {
        this.name = name;
        this.type = type;
        this.format = format;
        this.priority = priority;
        this.jsonPath = jsonPath;
        this.description = description == null || description.isEmpty()
                ? "Custom resource definition column (in JSONPath format): " + jsonPath : description;
        try {
            this.path = JsonPath.parseExpression(jsonPath);
        } catch (JsonPathException e) {
            throw new JsonPathException("unrecognized column definition " + GoValues.quote(jsonPath));
        }
    }

    /** A column from a CRD's {@code additionalPrinterColumns[i]} ({@code name, type, format, description, priority, jsonPath}). */
    public static PrinterColumn of(JsonNode crdColumn) {
        return new PrinterColumn(crdColumn.path("name").asText(""), crdColumn.path("type").asText(""),
                crdColumn.path("format").asText(""), crdColumn.path("description").asText(""),
                crdColumn.path("priority").asInt(0), crdColumn.path("jsonPath").asText(""));
    }

    public static PrinterColumn of(String name, String type, String format, String jsonPath) {
        return new PrinterColumn(name, type, format == null ? "" : format, "", 0, jsonPath);
    }

    public String name() {
        return name;
    }

    public String type() {
        return type;
    }

    public String jsonPath() {
        return jsonPath;
    }

    /** The Table's {@code columnDefinitions} entry: name, type, format, description, priority. */
    public ObjectNode definition() {
        ObjectNode d = NODES.objectNode();
        d.put("name", name);
        d.put("type", type);
        d.put("format", format);
        d.put("description", description);
        d.put("priority", priority);
        return d;
    }

    /** The cell for one object; a JSON null node for an empty cell. */
    public JsonNode cell(JsonNode object, Instant now) {
        List<List<JsonNode>> results;
        try {
            results = path.findResults(object, true);
        } catch (JsonPathException e) {
            return NODES.nullNode();
        }
        if (results.isEmpty() || results.get(0).isEmpty()) {
            return NODES.nullNode();
        }
        JsonNode value = results.get(0).get(0);
        if (type.equals("string")) {
            // the value goes through interface{}: a JSON null becomes "no value"
            return NODES.textNode(JsonPath.printValue(JsonPath.noValue(value)));
        }
        return cellForValue(type, value, now);
    }

    /** Every value the column's path yields (what kubectl's custom-columns would join with commas). */
    public List<JsonNode> values(JsonNode object) {
        try {
            List<List<JsonNode>> results = path.findResults(object, true);
            return results.isEmpty() ? new ArrayList<>() : results.get(0);
        } catch (JsonPathException e) {
            return new ArrayList<>();
        }
    }

    /** Upstream's {@code cellForJSONValue}: a value as a cell of a column of this type, or a JSON null. */
    public static JsonNode cellForValue(String headerType, JsonNode value, Instant now) {
        GoValues.Kind k = GoValues.kind(value);
        if (k == GoValues.Kind.NIL) {
            return NODES.nullNode();
        }
        switch (headerType) {
            case "integer":
                if (k == GoValues.Kind.INT64) {
                    return NODES.numberNode(value.longValue());
                }
                if (k == GoValues.Kind.FLOAT64) {
                    return NODES.numberNode((long) value.doubleValue());
                }
                break;
            case "number":
                if (k == GoValues.Kind.INT64) {
                    return NODES.numberNode((double) value.longValue());
                }
                if (k == GoValues.Kind.FLOAT64) {
                    return NODES.numberNode(value.doubleValue());
                }
                break;
            case "boolean":
                if (k == GoValues.Kind.BOOL) {
                    return NODES.booleanNode(value.booleanValue());
                }
                break;
            case "string":
                if (k == GoValues.Kind.STRING) {
                    return NODES.textNode(value.asText());
                }
                break;
            case "date":
                if (k == GoValues.Kind.STRING) {
                    return NODES.textNode(age(value.asText(), now));
                }
                break;
            default:
        }
        return NODES.nullNode();
    }

    /** A timestamp as upstream's {@code metav1.Time.UnmarshalQueryParameter} then {@code ConvertToHumanReadableDateType}. */
    static String age(String timestamp, Instant now) {
        if (timestamp.isEmpty() || timestamp.equals("null")) {
            return "<unknown>";
        }
        Instant t;
        try {
            t = OffsetDateTime.parse(timestamp).toInstant();
        } catch (DateTimeParseException e) {
            return "<invalid>";
        }
        return humanDuration(Duration.between(t, now));
    }

    /** Upstream's {@code duration.HumanDuration}: two or three significant figures ({@code 90s}, {@code 5m3s}, {@code 3d4h}). */
    public static String humanDuration(Duration d) {
        long nanos;
        try {
            nanos = d.toNanos();
        } catch (ArithmeticException e) {
            nanos = d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        long seconds = nanos / 1_000_000_000L;
        if (seconds < -1) {
            return "<invalid>";
        } else if (seconds < 0 || nanos < 0) {
            return "0s";
        } else if (seconds < 60 * 2) {
            return seconds + "s";
        }
        long minutes = nanos / 60_000_000_000L;
        if (minutes < 10) {
            long s = seconds % 60;
            return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
        } else if (minutes < 60 * 3) {
            return minutes + "m";
        }
        long hours = nanos / 3_600_000_000_000L;
        if (hours < 8) {
            long m = minutes % 60;
            return m == 0 ? hours + "h" : hours + "h" + m + "m";
        } else if (hours < 48) {
            return hours + "h";
        } else if (hours < 24 * 8) {
            long h = hours % 24;
            return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
        } else if (hours < 24 * 365 * 2) {
            return hours / 24 + "d";
        } else if (hours < 24 * 365 * 8) {
            long dy = (hours / 24) % 365;
            return dy == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + dy + "d";
        }
        return hours / 24 / 365 + "y";
    }

    /** Upstream's {@code ValidateCustomResourceColumnDefinition} for {@code additionalPrinterColumns[i]} at {@code fieldPath}. */
    public static List<FieldError> validate(JsonNode column, String fieldPath) {
        List<FieldError> errs = new ArrayList<>();
        String name = column.path("name").asText("");
        String type = column.path("type").asText("");
        String format = column.path("format").asText("");
        String jsonPath = column.path("jsonPath").asText("");
        if (name.isEmpty()) {
            errs.add(FieldError.required(fieldPath + ".name", ""));
        }
        String types = "must be one of boolean,date,integer,number,string";
        if (type.isEmpty()) {
            errs.add(FieldError.required(fieldPath + ".type", types));
        } else if (!TYPES.contains(type)) {
            errs.add(FieldError.invalid(fieldPath + ".type", type, types));
        }
        if (!format.isEmpty() && !FORMATS.contains(format)) {
            errs.add(FieldError.invalid(fieldPath + ".format", format,
                    "must be one of byte,date,date-time,double,float,int32,int64,password"));
        }
        if (jsonPath.isEmpty()) {
            errs.add(FieldError.required(fieldPath + ".JSONPath", ""));
        } else if (jsonPath.charAt(0) != '.') {
            errs.add(FieldError.invalid(fieldPath + ".JSONPath", jsonPath, "must be a simple json path starting with ."));
        }
        return errs;
    }
}
