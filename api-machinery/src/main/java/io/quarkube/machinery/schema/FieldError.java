package io.quarkube.machinery.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import java.util.Objects;

/**
 * One field-level validation error, as upstream's {@code field.Error}: a field path, a type, the offending value and
 * a detail. The API server turns a list of them into a 422 {@code Status} whose causes carry {@link #type()}'s
 * {@link Type#reason() reason}, {@link #field()} and {@link #errorBody()}; {@link #toString()} is Go's
 * {@code Error()}, e.g. {@code spec.replicas: Invalid value: "string": spec.replicas in body must be of type
 * integer: "string"}.
 */
public final class FieldError {

    /** Upstream's {@code field.ErrorType}: the machine-readable reason and the text printed before the value. */
    public enum Type {
        NOT_FOUND("FieldValueNotFound", "Not found"),
        REQUIRED("FieldValueRequired", "Required value"),
        DUPLICATE("FieldValueDuplicate", "Duplicate value"),
        INVALID("FieldValueInvalid", "Invalid value"),
        NOT_SUPPORTED("FieldValueNotSupported", "Unsupported value"),
        FORBIDDEN("FieldValueForbidden", "Forbidden"),
        TOO_LONG("FieldValueTooLong", "Too long"),
        TOO_MANY("FieldValueTooMany", "Too many"),
        TOO_FEW("FieldValueTooFew", "Too few"),
        INTERNAL("InternalError", "Internal error"),
        TYPE_INVALID("FieldValueTypeInvalid", "Invalid value"),
        TOO_SHORT("FieldValueTooShort", "Too short");

        private final String reason;
        private final String text;

        Type(String reason, String text) {
            this.reason = reason;
            this.text = text;
        }

        /** The {@code StatusCause.type} ({@code FieldValueRequired}, ...). */
        public String reason() {
            return reason;
        }

        /** The words {@code Error()} prints ({@code Required value}, ...). */
        public String text() {
            return text;
        }
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Type type;
    private final String field;
    private final JsonNode badValue;
    private final String detail;

    private FieldError(Type type, String field, JsonNode badValue, String detail) {
        this.type = Objects.requireNonNull(type);
        this.field = field == null ? "<nil>" : field;
        this.badValue = badValue;
        this.detail = detail == null ? "" : detail;
    }

    /** An error of any type; a null {@code field} prints as Go's nil path {@code <nil>}. */
    public static FieldError of(Type type, String field, JsonNode badValue, String detail) {
        return new FieldError(type, field, badValue, detail);
    }

    public static FieldError required(String field, String detail) {
        return new FieldError(Type.REQUIRED, field, NODES.textNode(""), detail);
    }

    public static FieldError forbidden(String field, String detail) {
        return new FieldError(Type.FORBIDDEN, field, NODES.textNode(""), detail);
    }

    public static FieldError invalid(String field, JsonNode value, String detail) {
        return new FieldError(Type.INVALID, field, value, detail);
    }

    public static FieldError invalid(String field, String value, String detail) {
        return new FieldError(Type.INVALID, field, NODES.textNode(value), detail);
    }

    public static FieldError typeInvalid(String field, JsonNode value, String detail) {
        return new FieldError(Type.TYPE_INVALID, field, value, detail);
    }

    public static FieldError duplicate(String field, JsonNode value) {
        return new FieldError(Type.DUPLICATE, field, value, "");
    }

    /** {@code field.NotSupported}: the detail lists the quoted valid values. */
    public static FieldError notSupported(String field, JsonNode value, List<String> validValues) {
        StringBuilder detail = new StringBuilder();
        if (!validValues.isEmpty()) {
            detail.append("supported values: ");
            for (int i = 0; i < validValues.size(); i++) {
                if (i > 0) {
                    detail.append(", ");
                }
                detail.append(GoValues.quote(validValues.get(i)));
            }
        }
        return new FieldError(Type.NOT_SUPPORTED, field, value, detail.toString());
    }

    /** {@code field.TooLong}: the value is never printed. */
    public static FieldError tooLong(String field, long maxLength) {
        String msg = maxLength >= 0 ? "may not be more than " + maxLength + (maxLength == 1 ? " byte" : " bytes")
                : "value is too long";
        return new FieldError(Type.TOO_LONG, field, NODES.textNode("<value omitted>"), msg);
    }

    /** {@code field.TooMany}: {@code actual} is printed unless negative. */
    public static FieldError tooMany(String field, long actual, long max) {
        String msg = max >= 0 ? "must have at most " + max + (max == 1 ? " item" : " items") : "has too many items";
        return new FieldError(Type.TOO_MANY, field, actual >= 0 ? NODES.numberNode(actual) : null, msg);
    }

    public static FieldError internal(String field, String detail) {
        return new FieldError(Type.INTERNAL, field, NODES.textNode(detail), detail);
    }

    public Type type() {
        return type;
    }

    /** The field path as upstream prints it ({@code spec.items[0].name}, {@code metadata.labels[app]}). */
    public String field() {
        return field;
    }

    /** The offending value; null when upstream omits it. */
    public JsonNode badValue() {
        return badValue;
    }

    public String detail() {
        return detail;
    }

    /** Go's {@code ErrorBody()}: the message without the field, what a {@code StatusCause.message} carries. */
    public String errorBody() {
        String s;
        switch (type) {
            case REQUIRED:
            case FORBIDDEN:
            case TOO_LONG:
            case TOO_SHORT:
            case INTERNAL:
                s = type.text();
                break;
            default:
                if (badValue == null) {
                    s = type.text();
                } else {
                    s = type.text() + ": " + printValue(badValue);
                }
        }
        if (!detail.isEmpty()) {
            s += ": " + detail;
        }
        return s;
    }

    /** How {@code ErrorBody} prints a bad value: simple values with {@code %v}, strings quoted, the rest as JSON. */
    static String printValue(JsonNode v) {
        switch (GoValues.kind(v)) {
            case INT64:
                return Long.toString(v.longValue());
            case FLOAT64:
                return GoValues.formatFloat(v.doubleValue());
            case BOOL:
                return Boolean.toString(v.booleanValue());
            case STRING:
                return GoValues.quote(v.asText());
            default:
                return GoValues.marshal(v);
        }
    }

    /** Go's {@code Error()}: {@code field: body}. */
    @Override
    public String toString() {
        return field + ": " + errorBody();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof FieldError)) {
            return false;
        }
        FieldError e = (FieldError) o;
        return type == e.type && field.equals(e.field) && detail.equals(e.detail)
                && Objects.equals(badValue == null ? null : printValue(badValue),
                        e.badValue == null ? null : printValue(e.badValue));
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, field, detail);
    }
}
