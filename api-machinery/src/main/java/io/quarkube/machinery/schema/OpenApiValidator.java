package io.quarkube.machinery.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.quarkube.machinery.schema.GoValues.Kind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The OpenAPI value validation upstream runs on custom resources: kube-openapi's {@code validate.SchemaValidator}
 * (a go-openapi fork) over the schema apiextensions-apiserver converts from the CRD, reproduced validator by
 * validator so that the same errors come out, including which branch of an {@code anyOf} or {@code oneOf} is
 * reported (the one with the most passed checks, go-openapi's "match count").
 *
 * <p>Errors are kept as go-openapi produces them ({@link Err}); {@link Validator} converts them to
 * {@link FieldError}s the way upstream's {@code kubeOpenAPIResultToFieldErrors} does.
 */
final class OpenApiValidator {

    private static final String IN = "body";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> INT_OR_STRING = List.of("integer", "string");

    /** go-openapi's error codes that upstream maps to particular field error types. */
    enum Code {
        INVALID_TYPE, REQUIRED, TOO_LONG, TOO_SHORT, PATTERN, ENUM, MULTIPLE_OF, MAX, MIN, UNIQUE, MAX_ITEMS,
        MIN_ITEMS, TOO_FEW_PROPERTIES, TOO_MANY_PROPERTIES, UNALLOWED_PROPERTY, MULTIPLE_OF_MUST_BE_POSITIVE
    }

    /** A go-openapi error: a {@code *errors.Validation} when {@link #code} is set, a plain error otherwise. */
    static final class Err {
        final Code code;
        final String name;
        final JsonNode value;
        final long valid;
        final List<JsonNode> values;
        final String message;

        Err(Code code, String name, JsonNode value, long valid, List<JsonNode> values, String message) {
            this.code = code;
            this.name = name;
            this.value = value;
            this.valid = valid;
            this.values = values;
            this.message = message;
        }

        static Err plain(String message) {
            return new Err(null, "", null, 0, null, message);
        }
    }

    /** go-openapi's {@code Result}: errors without duplicate messages, and the match count. */
    static final class Result {
        final List<Err> errors = new ArrayList<>();
        private final Set<String> messages = new HashSet<>();
        int matchCount;

        void add(Err e) {
            if (e != null && messages.add(e.message)) {
                errors.add(e);
            }
        }

        Result merge(Result other) {
            if (other != null) {
                for (Err e : other.errors) {
                    add(e);
                }
                matchCount += other.matchCount;
            }
            return this;
        }

        void inc() {
            matchCount++;
        }

        boolean isValid() {
            return errors.isEmpty();
        }

        static Result of(Err e) {
            Result r = new Result();
            r.add(e);
            return r;
        }
    }

    /**
     * When true the schema is read the way {@code Structural.ToKubeOpenAPI} writes it (used to validate defaults):
     * formats are kept as written and {@code x-kubernetes-int-or-string} does not turn into a type. When false,
     * as {@code ConvertJSONSchemaPropsWithPostProcess} converts a CRD: int-or-string means
     * {@code type: [integer, string]} and formats upstream does not support are dropped.
     */
    private final boolean fromStructural;

    OpenApiValidator(boolean fromStructural) {
        this.fromStructural = fromStructural;
    }

    private List<String> types(StructuralSchema s) {
        if (!fromStructural && s.intOrString) {
            return INT_OR_STRING;
        }
        return s.type.isEmpty() ? Collections.emptyList() : List.of(s.type);
    }

    private String format(StructuralSchema s, List<String> types) {
        return fromStructural ? s.format : Formats.effectiveFormat(s.format, types);
    }

    /** {@code SchemaValidator.Validate}. */
    Result validate(JsonNode data, StructuralSchema s, String path) {
        Result result = new Result();
        if (s == null) {
            return result;
        }
        List<String> types = types(s);
        String format = format(s, types);
        Kind kind = GoValues.kind(data);
        if (kind == Kind.NIL) {
            result.merge(validateType(data, kind, s, types, format, path));
            result.merge(validateCommon(data, kind, s, path));
            return result;
        }
        if (!types.isEmpty() || !format.isEmpty()) {
            result.merge(validateType(data, kind, s, types, format, path));
            result.inc();
        }
        result.merge(validateSchemaProps(data, s, path));
        result.inc();
        if (kind == Kind.STRING) {
            result.merge(validateString(data.asText(), s, path));
            result.inc();
            if (Formats.known(format)) {
                if (!Formats.validates(format, data.asText())) {
                    result.add(invalidType(path, format, data));
                }
                result.inc();
            }
        }
        if (kind == Kind.INT64 || kind == Kind.FLOAT64) {
            result.merge(validateNumber(data, kind, s, types, path));
            result.inc();
        }
        if (kind == Kind.SLICE) {
            result.merge(validateSlice(data, s, path));
            result.inc();
        }
        result.merge(validateCommon(data, kind, s, path));
        result.inc();
        if (kind == Kind.MAP) {
            result.merge(validateObject(data, s, path));
            result.inc();
        }
        result.inc();
        return result;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // typeValidator

    private Result validateType(JsonNode data, Kind kind, StructuralSchema s, List<String> types, String tFormat,
            String path) {
        Result r = new Result();
        r.inc();
        if (kind == Kind.NIL) {
            if (!types.isEmpty() && !types.contains("null") && !s.nullable) {
                return Result.of(invalidType(path, String.join(",", types), NODES.textNode("null")));
            }
            return r;
        }
        String schType;
        String format = "";
        switch (kind) {
            case BOOL:
                schType = "boolean";
                break;
            case STRING:
                schType = "string";
                break;
            case INT64:
                schType = "integer";
                format = "int64";
                break;
            case FLOAT64:
                schType = "number";
                format = "float64";
                break;
            case SLICE:
                schType = "array";
                break;
            default:
                schType = "object";
        }
        boolean isFloatInt = schType.equals("number") && GoValues.isFloat64AJSONInteger(data.doubleValue())
                && types.contains("integer");
        boolean isIntFloat = schType.equals("integer") && types.contains("number");
        if (kind != Kind.STRING && kind != Kind.SLICE && !tFormat.isEmpty()
                && !(types.contains(schType) || format.equals(tFormat) || isFloatInt || isIntFloat)) {
            return Result.of(invalidType(path, tFormat, NODES.textNode(format)));
        }
        if (!(types.contains("number") || types.contains("integer")) && !tFormat.isEmpty()
                && (kind == Kind.STRING || kind == Kind.SLICE)) {
            return r;
        }
        if (!(types.contains(schType) || isFloatInt || isIntFloat)) {
            return Result.of(invalidType(path, String.join(",", types), NODES.textNode(schType)));
        }
        return r;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // schemaPropsValidator: allOf, anyOf, oneOf, not

    private Result validateSchemaProps(JsonNode data, StructuralSchema s, String path) {
        Result main = new Result();
        String q = GoValues.quote(path);
        if (!s.anyOf.isEmpty()) {
            Result best = null;
            Result firstSuccess = null;
            boolean succeeded = false;
            for (StructuralSchema branch : s.anyOf) {
                Result r = validate(data, branch, path);
                if (r.isValid()) {
                    best = null;
                    succeeded = true;
                    firstSuccess = r;
                    break;
                }
                if (best == null || r.matchCount > best.matchCount) {
                    best = r;
                }
            }
            if (!succeeded) {
                main.add(Err.plain(q + " must validate at least one schema (anyOf)"));
            }
            main.merge(best != null ? best : firstSuccess);
        }
        if (!s.oneOf.isEmpty()) {
            Result best = null;
            Result firstSuccess = null;
            int validated = 0;
            for (StructuralSchema branch : s.oneOf) {
                Result r = validate(data, branch, path);
                if (r.isValid()) {
                    validated++;
                    best = null;
                    if (firstSuccess == null) {
                        firstSuccess = r;
                    }
                    continue;
                }
                if (validated == 0 && (best == null || r.matchCount > best.matchCount)) {
                    best = r;
                }
            }
            if (validated != 1) {
                String more = validated == 0 ? "Found none valid" : "Found " + validated + " valid alternatives";
                main.add(Err.plain(q + " must validate one and only one schema (oneOf). " + more));
                main.merge(best);
            } else {
                main.merge(firstSuccess);
            }
        }
        if (!s.allOf.isEmpty()) {
            int validated = 0;
            for (StructuralSchema branch : s.allOf) {
                Result r = validate(data, branch, path);
                if (r.isValid()) {
                    validated++;
                }
                main.merge(r);
            }
            if (validated != s.allOf.size()) {
                main.add(Err.plain(q + " must validate all the schemas (allOf)" + (validated == 0 ? ". None validated"
                        : "")));
            }
        }
        if (s.not != null) {
            if (validate(data, s.not, path).isValid()) {
                main.add(Err.plain(q + " must not validate the schema (not)"));
            }
        }
        main.inc();
        return main;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // stringValidator

    private Result validateString(String data, StructuralSchema s, String path) {
        long len = data.codePointCount(0, data.length());
        JsonNode value = NODES.textNode(data);
        if (s.maxLength != null && len > s.maxLength) {
            return Result.of(new Err(Code.TOO_LONG, path, value, s.maxLength, null,
                    path + " in " + IN + " should be at most " + s.maxLength + " chars long"));
        }
        if (s.minLength != null && len < s.minLength) {
            return Result.of(new Err(Code.TOO_SHORT, path, value, s.minLength, null,
                    path + " in " + IN + " should be at least " + s.minLength + " chars long"));
        }
        if (!s.pattern.isEmpty()) {
            Pattern p;
            try {
                p = GoRegex.compile(s.pattern);
            } catch (GoRegex.SyntaxError e) {
                return Result.of(failedPattern(path, s.pattern + ", but pattern is invalid: " + e.getMessage(), value));
            }
            if (!GoRegex.find(p, data)) {
                return Result.of(failedPattern(path, s.pattern, value));
            }
        }
        return null;
    }

    private static Err failedPattern(String path, String pattern, JsonNode value) {
        return new Err(Code.PATTERN, path, value, 0, null, path + " in " + IN + " should match '" + pattern + "'");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // numberValidator

    private Result validateNumber(JsonNode data, Kind kind, StructuralSchema s, List<String> types, String path) {
        String typeName = "";
        String format = "";
        if (types.size() == 1) {
            if (types.get(0).equals("integer")) {
                typeName = "integer";
                if (s.format.equals("int32") || s.format.equals("int64")) {
                    format = s.format;
                }
            } else if (types.get(0).equals("number")) {
                typeName = "number";
                if (s.format.equals("float") || s.format.equals("double")) {
                    format = s.format;
                }
            }
        }
        Result res = new Result();
        Result resMultiple = new Result();
        Result resMinimum = new Result();
        Result resMaximum = new Result();
        boolean isInt = kind == Kind.INT64;
        double asFloat = data.doubleValue();
        String rep = isInt ? Long.toString(data.longValue()) : GoValues.formatFloatPlain(asFloat);
        res.add(rangeError(rep, typeName, format, "Checked", path));

        if (s.multipleOf != null) {
            double factor = s.multipleOf;
            Err rangeErr = rangeError(GoValues.formatFloatPlain(factor), typeName, format, "MultipleOf", path);
            resMultiple.add(rangeErr);
            Err e;
            if (rangeErr == null && isInt) {
                e = multipleOfInt(path, data.longValue(), (long) factor, data);
            } else {
                e = multipleOfFloat(path, asFloat, factor, data);
            }
            resMultiple.add(e);
        }
        if (s.maximum != null) {
            double max = s.maximum;
            Err rangeErr = rangeError(GoValues.formatFloatPlain(max), typeName, format, "Maximum boundary", path);
            resMaximum.add(rangeErr);
            if (rangeErr == null && isInt) {
                long m = (long) max;
                long v = data.longValue();
                if (!s.exclusiveMaximum && v > m || s.exclusiveMaximum && v >= m) {
                    resMaximum.add(bound(Code.MAX, path, Long.toString(m), s.exclusiveMaximum, data));
                }
            } else if (!s.exclusiveMaximum && asFloat > max || s.exclusiveMaximum && asFloat >= max) {
                resMaximum.add(bound(Code.MAX, path, GoValues.formatFloat(max), s.exclusiveMaximum, data));
            }
        }
        if (s.minimum != null) {
            double min = s.minimum;
            Err rangeErr = rangeError(GoValues.formatFloatPlain(min), typeName, format, "Minimum boundary", path);
            resMinimum.add(rangeErr);
            if (rangeErr == null && isInt) {
                long m = (long) min;
                long v = data.longValue();
                if (!s.exclusiveMinimum && v < m || s.exclusiveMinimum && v <= m) {
                    resMinimum.add(bound(Code.MIN, path, Long.toString(m), s.exclusiveMinimum, data));
                }
            } else if (!s.exclusiveMinimum && asFloat < min || s.exclusiveMinimum && asFloat <= min) {
                resMinimum.add(bound(Code.MIN, path, GoValues.formatFloat(min), s.exclusiveMinimum, data));
            }
        }
        res.merge(resMultiple).merge(resMinimum).merge(resMaximum);
        res.inc();
        return res;
    }

    private static Err bound(Code code, String path, String limit, boolean exclusive, JsonNode value) {
        String msg;
        if (code == Code.MAX) {
            msg = exclusive ? " should be less than " : " should be less than or equal to ";
        } else {
            msg = exclusive ? " should be greater than " : " should be greater than or equal to ";
        }
        return new Err(code, path, value, 0, null, path + " in " + IN + msg + limit);
    }

    private static Err multipleOfInt(String path, long data, long factor, JsonNode value) {
        if (factor <= 0) {
            return new Err(Code.MULTIPLE_OF_MUST_BE_POSITIVE, path, NODES.numberNode(factor), 0, null,
                    "factor MultipleOf declared for " + path + " must be positive: " + factor);
        }
        if ((data / factor) * factor != data) {
            return new Err(Code.MULTIPLE_OF, path, value, 0, null,
                    path + " in " + IN + " should be a multiple of " + factor);
        }
        return null;
    }

    private static Err multipleOfFloat(String path, double data, double factor, JsonNode value) {
        if (factor <= 0) {
            return new Err(Code.MULTIPLE_OF_MUST_BE_POSITIVE, path, NODES.numberNode(factor), 0, null,
                    "factor MultipleOf declared for " + path + " must be positive: " + GoValues.formatFloat(factor));
        }
        double mult = factor < 1 ? 1 / factor * data : data / factor;
        if (!GoValues.isFloat64AJSONInteger(mult)) {
            return new Err(Code.MULTIPLE_OF, path, value, 0, null,
                    path + " in " + IN + " should be a multiple of " + GoValues.formatFloat(factor));
        }
        return null;
    }

    /** {@code IsValueValidAgainstRange}: whether a number's text fits the type and format; a plain error if not. */
    private static Err rangeError(String rep, String typeName, String format, String prefix, String path) {
        boolean ok = true;
        if (typeName.equals("integer")) {
            try {
                long v = Long.parseLong(rep);
                if (format.equals("int32")) {
                    ok = v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE;
                }
            } catch (NumberFormatException e) {
                ok = false;
            }
        } else if (format.equals("float")) {
            double d = Double.parseDouble(rep);
            ok = !Float.isInfinite((float) d);
        }
        if (ok) {
            return null;
        }
        if (!format.isEmpty()) {
            return Err.plain(prefix + " value must be of type " + typeName + " with format " + format + " in " + path);
        }
        return Err.plain(prefix + " value must be of type " + typeName + " (default format) in " + path);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // schemaSliceValidator

    private Result validateSlice(JsonNode data, StructuralSchema s, String path) {
        Result r = new Result();
        int size = data.size();
        if (s.items != null) {
            for (int i = 0; i < size; i++) {
                r.merge(validate(data.get(i), s.items, path + "[" + i + "]"));
            }
        }
        if (s.minItems != null && size < s.minItems) {
            r.add(new Err(Code.MIN_ITEMS, path, NODES.numberNode((long) size), s.minItems, null,
                    path + " in " + IN + " should have at least " + s.minItems + " items"));
        }
        if (s.maxItems != null && size > s.maxItems) {
            r.add(new Err(Code.MAX_ITEMS, path, NODES.numberNode((long) size), s.maxItems, null,
                    path + " in " + IN + " should have at most " + s.maxItems + " items"));
        }
        if (s.uniqueItems) {
            outer:
            for (int i = 1; i < size; i++) {
                for (int j = 0; j < i; j++) {
                    if (GoValues.deepEqual(data.get(i), data.get(j))) {
                        r.add(new Err(Code.UNIQUE, path, null, 0, null,
                                path + " in " + IN + " shouldn't contain duplicates"));
                        break outer;
                    }
                }
            }
        }
        r.inc();
        return r;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // basicCommonValidator: enum

    private Result validateCommon(JsonNode data, Kind kind, StructuralSchema s, String path) {
        if (s.enumValues == null || s.enumValues.isEmpty()) {
            return null;
        }
        for (JsonNode e : s.enumValues) {
            if (kind != Kind.NIL && enumMatches(data, kind, e)) {
                return null;
            }
        }
        StringBuilder shown = new StringBuilder("[");
        for (int i = 0; i < s.enumValues.size(); i++) {
            if (i > 0) {
                shown.append(' ');
            }
            shown.append(GoValues.sprint(s.enumValues.get(i)));
        }
        shown.append(']');
        return Result.of(new Err(Code.ENUM, path, data, 0, s.enumValues,
                path + " in " + IN + " should be one of " + shown));
    }

    /** Go's {@code ConvertibleTo} and {@code Convert} then {@code DeepEqual}, for decoded JSON values. */
    private static boolean enumMatches(JsonNode data, Kind kind, JsonNode enumValue) {
        Kind ek = GoValues.kind(enumValue);
        if (ek == Kind.NIL) {
            return false;
        }
        if (kind == ek) {
            return GoValues.deepEqual(data, enumValue);
        }
        if (kind == Kind.INT64 && ek == Kind.FLOAT64) {
            return (double) data.longValue() == enumValue.doubleValue();
        }
        if (kind == Kind.FLOAT64 && ek == Kind.INT64) {
            return (long) data.doubleValue() == enumValue.longValue();
        }
        if (kind == Kind.INT64 && ek == Kind.STRING) {
            long v = data.longValue();
            String converted = v >= 0 && v <= Character.MAX_CODE_POINT && !(v >= 0xd800 && v <= 0xdfff)
                    ? new String(Character.toChars((int) v)) : "\ufffd";
            return converted.equals(enumValue.asText());
        }
        return false;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // objectValidator

    private Result validateObject(JsonNode data, StructuralSchema s, String path) {
        Result r = new Result();
        long numKeys = data.size();
        if (s.minProperties != null && numKeys < s.minProperties) {
            r.add(new Err(Code.TOO_FEW_PROPERTIES, path, NODES.numberNode(numKeys), s.minProperties, null,
                    path + " in " + IN + " should have at least " + s.minProperties + " properties"));
        }
        if (s.maxProperties != null && numKeys > s.maxProperties) {
            r.add(new Err(Code.TOO_MANY_PROPERTIES, path, NODES.numberNode(numKeys), s.maxProperties, null,
                    path + " in " + IN + " should have at most " + s.maxProperties + " properties"));
        }
        if (s.additionalPropertiesAllows != null && !s.additionalPropertiesAllows) {
            for (Iterator<String> it = data.fieldNames(); it.hasNext();) {
                String k = it.next();
                if (!s.properties.containsKey(k)) {
                    r.add(new Err(Code.UNALLOWED_PROPERTY, path, NODES.textNode(k), 0, null,
                            path + "." + k + " in " + IN + " is a forbidden property"));
                }
            }
        } else if (s.additionalPropertiesSchema != null) {
            for (Map.Entry<String, JsonNode> e : data.properties()) {
                if (!s.properties.containsKey(e.getKey())) {
                    r.merge(validate(e.getValue(), s.additionalPropertiesSchema, path + "." + e.getKey()));
                }
            }
        }
        for (Map.Entry<String, StructuralSchema> p : s.properties.entrySet()) {
            String name = p.getKey();
            if (data.has(name)) {
                String rName = path.isEmpty() ? name : path + "." + name;
                r.merge(validate(data.get(name), p.getValue(), rName));
            }
        }
        for (String k : s.required) {
            if (!data.has(k)) {
                r.add(new Err(Code.REQUIRED, path + "." + k, null, 0, null,
                        path + "." + k + " in " + IN + " is required"));
            }
        }
        return r;
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** {@code errors.InvalidType} with a string value: {@code %s in %s must be of type %s: %q}. */
    private static Err invalidType(String path, String typeName, JsonNode value) {
        return new Err(Code.INVALID_TYPE, path, value, 0, null,
                path + " in " + IN + " must be of type " + typeName + ": " + GoValues.quote(value.asText()));
    }
}
