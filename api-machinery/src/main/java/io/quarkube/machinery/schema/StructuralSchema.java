package io.quarkube.machinery.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A CustomResourceDefinition's {@code openAPIV3Schema} (apiextensions.k8s.io/v1 {@code JSONSchemaProps}) as an
 * immutable tree, after upstream's {@code pkg/apiserver/schema.Structural}.
 *
 * <p>Every node of the tree is a {@code StructuralSchema}: the structural part ({@link #properties()},
 * {@link #items()}, {@link #additionalProperties()}) and the value validations, including the logical junctors
 * ({@link #allOf()}, {@link #anyOf()}, {@link #oneOf()}, {@link #not()}) whose nodes are nested value validations
 * (structurally they may only repeat what the structural part declares).
 *
 * <p>{@link #parse(JsonNode, String)} is what CRD create and update run: it validates the schema itself the way
 * upstream's {@code ValidateCustomResourceDefinitionOpenAPISchema}, {@code ValidateStructural} and
 * {@code ValidateDefaults} do and returns those errors (the API server answers 422 with them). {@link #of(JsonNode)}
 * only converts, for schemas of CRDs already admitted.
 */
public final class StructuralSchema {

    // generic
    String type = "";
    String format = "";
    String description = "";
    String title = "";
    JsonNode defaultValue;
    boolean nullable;
    JsonNode example;
    JsonNode externalDocs;

    // structure
    Map<String, StructuralSchema> properties = Collections.emptyMap();
    boolean propertiesSet;
    StructuralSchema items;
    /** additionalProperties: absent (null), a boolean or a schema (then {@link #additionalPropertiesAllows} true). */
    Boolean additionalPropertiesAllows;
    StructuralSchema additionalPropertiesSchema;

    // Kubernetes extensions
    Boolean preserveUnknownFields;
    boolean embeddedResource;
    boolean intOrString;
    List<String> listMapKeys = Collections.emptyList();
    String listType;
    String mapType;
    JsonNode xValidations;

    // value validation
    Double maximum;
    boolean exclusiveMaximum;
    Double minimum;
    boolean exclusiveMinimum;
    Long maxLength;
    Long minLength;
    String pattern = "";
    Long maxItems;
    Long minItems;
    boolean uniqueItems;
    Double multipleOf;
    List<JsonNode> enumValues;
    Long maxProperties;
    Long minProperties;
    List<String> required = Collections.emptyList();
    List<StructuralSchema> allOf = Collections.emptyList();
    List<StructuralSchema> oneOf = Collections.emptyList();
    List<StructuralSchema> anyOf = Collections.emptyList();
    StructuralSchema not;

    // what a structural schema must not have (kept to report it)
    String id = "";
    String schemaURL = "";
    String ref;
    List<StructuralSchema> itemsArray;
    Map<String, StructuralSchema> patternProperties = Collections.emptyMap();
    Map<String, JsonNode> dependencies;
    JsonNode additionalItems;
    Map<String, StructuralSchema> definitions = Collections.emptyMap();

    JsonNode raw;

    StructuralSchema() {
    }

    // ---------------------------------------------------------------------------------------------------------------
    // entry points

    /** The outcome of {@link #parse}: the schema when it is valid, else the errors. */
    public static final class ParseResult {
        private final StructuralSchema schema;
        private final List<FieldError> errors;

        ParseResult(StructuralSchema schema, List<FieldError> errors) {
            this.schema = errors.isEmpty() ? schema : null;
            this.errors = Collections.unmodifiableList(errors);
        }

        /** The schema, or null when {@link #errors()} is not empty. */
        public StructuralSchema schema() {
            return schema;
        }

        public List<FieldError> errors() {
            return errors;
        }

        public boolean isValid() {
            return errors.isEmpty();
        }

        /** The schema, or an {@link InvalidSchemaException} carrying the errors. */
        public StructuralSchema orThrow() {
            if (!errors.isEmpty()) {
                throw new InvalidSchemaException(errors);
            }
            return schema;
        }
    }

    /** Options of {@link #parse(JsonNode, String, Options)}. */
    public static final class Options {
        boolean statusSubresource;

        public static Options defaults() {
            return new Options();
        }

        /**
         * The version serves the status subresource; upstream then restricts the root of the schema to a few
         * fields (so {@code properties[status]} loses nothing when it is extracted).
         */
        public Options statusSubresource(boolean enabled) {
            this.statusSubresource = enabled;
            return this;
        }
    }

    /**
     * Converts and validates a schema as on CRD create, reporting paths under {@code openAPIV3Schema}. For a CRD
     * pass the real path with {@link #parse(JsonNode, String)}, e.g. {@code spec.versions[0].schema.openAPIV3Schema}.
     */
    public static ParseResult parse(JsonNode openAPIV3Schema) {
        return parse(openAPIV3Schema, "openAPIV3Schema", Options.defaults());
    }

    /** Converts and validates a schema as on CRD create; {@code fieldPath} is where the schema sits. */
    public static ParseResult parse(JsonNode openAPIV3Schema, String fieldPath) {
        return parse(openAPIV3Schema, fieldPath, Options.defaults());
    }

    public static ParseResult parse(JsonNode openAPIV3Schema, String fieldPath, Options options) {
        return SchemaChecks.parse(openAPIV3Schema, fieldPath, options);
    }

    /**
     * Converts without validating (upstream's {@code NewStructural}), for a schema already admitted. Throws
     * {@link IllegalArgumentException} for what no structural schema can hold ({@code $ref}, {@code items} as an
     * array, malformed keywords).
     */
    public static StructuralSchema of(JsonNode openAPIV3Schema) {
        List<FieldError> decodeErrors = new ArrayList<>();
        StructuralSchema s = decode(openAPIV3Schema, "openAPIV3Schema", decodeErrors);
        if (!decodeErrors.isEmpty()) {
            throw new IllegalArgumentException(decodeErrors.get(0).toString());
        }
        String unsupported = SchemaChecks.unsupported(s);
        if (unsupported != null) {
            throw new IllegalArgumentException(unsupported);
        }
        return s;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // decoding (what unmarshalling into JSONSchemaProps accepts)

    static StructuralSchema decode(JsonNode n, String path, List<FieldError> errs) {
        StructuralSchema s = new StructuralSchema();
        s.raw = n;
        if (n == null || n.isNull() || n.isMissingNode()) {
            return s;
        }
        if (!n.isObject()) {
            errs.add(FieldError.invalid(path, n, "must be an object"));
            return s;
        }
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            String k = e.getKey();
            JsonNode v = e.getValue();
            String p = Paths.child(path, k);
            if (v.isNull() && !k.equals("x-kubernetes-preserve-unknown-fields")) {
                continue; // JSON null leaves a Go field at its zero value
            }
            switch (k) {
                case "id":
                    s.id = string(v, p, errs);
                    break;
                case "$schema":
                    s.schemaURL = string(v, p, errs);
                    break;
                case "$ref":
                    s.ref = string(v, p, errs);
                    break;
                case "description":
                    s.description = string(v, p, errs);
                    break;
                case "type":
                    s.type = string(v, p, errs);
                    break;
                case "format":
                    s.format = string(v, p, errs);
                    break;
                case "title":
                    s.title = string(v, p, errs);
                    break;
                case "pattern":
                    s.pattern = string(v, p, errs);
                    break;
                case "default":
                    s.defaultValue = v;
                    break;
                case "example":
                    s.example = v;
                    break;
                case "externalDocs":
                    if (!v.isObject()) {
                        errs.add(FieldError.invalid(p, v, "must be an object"));
                    }
                    s.externalDocs = v;
                    break;
                case "nullable":
                    s.nullable = bool(v, p, errs);
                    break;
                case "exclusiveMaximum":
                    s.exclusiveMaximum = bool(v, p, errs);
                    break;
                case "exclusiveMinimum":
                    s.exclusiveMinimum = bool(v, p, errs);
                    break;
                case "uniqueItems":
                    s.uniqueItems = bool(v, p, errs);
                    break;
                case "maximum":
                    s.maximum = number(v, p, errs);
                    break;
                case "minimum":
                    s.minimum = number(v, p, errs);
                    break;
                case "multipleOf":
                    s.multipleOf = number(v, p, errs);
                    break;
                case "maxLength":
                    s.maxLength = integer(v, p, errs);
                    break;
                case "minLength":
                    s.minLength = integer(v, p, errs);
                    break;
                case "maxItems":
                    s.maxItems = integer(v, p, errs);
                    break;
                case "minItems":
                    s.minItems = integer(v, p, errs);
                    break;
                case "maxProperties":
                    s.maxProperties = integer(v, p, errs);
                    break;
                case "minProperties":
                    s.minProperties = integer(v, p, errs);
                    break;
                case "enum":
                    if (!v.isArray()) {
                        errs.add(FieldError.invalid(p, v, "must be an array"));
                    } else {
                        List<JsonNode> values = new ArrayList<>();
                        v.forEach(values::add);
                        s.enumValues = Collections.unmodifiableList(values);
                    }
                    break;
                case "required":
                    s.required = strings(v, p, errs);
                    break;
                case "items":
                    if (v.isArray()) {
                        s.itemsArray = schemas(v, p, errs);
                    } else {
                        s.items = decode(v, p, errs);
                    }
                    break;
                case "allOf":
                    s.allOf = schemas(v, p, errs);
                    break;
                case "oneOf":
                    s.oneOf = schemas(v, p, errs);
                    break;
                case "anyOf":
                    s.anyOf = schemas(v, p, errs);
                    break;
                case "not":
                    s.not = decode(v, p, errs);
                    break;
                case "properties":
                    s.properties = schemaMap(v, p, errs);
                    s.propertiesSet = true;
                    break;
                case "patternProperties":
                    s.patternProperties = schemaMap(v, p, errs);
                    break;
                case "definitions":
                    s.definitions = schemaMap(v, p, errs);
                    break;
                case "dependencies":
                    if (!v.isObject()) {
                        errs.add(FieldError.invalid(p, v, "must be an object"));
                    } else {
                        Map<String, JsonNode> deps = new LinkedHashMap<>();
                        v.properties().forEach(d -> deps.put(d.getKey(), d.getValue()));
                        s.dependencies = deps;
                    }
                    break;
                case "additionalItems":
                    s.additionalItems = v;
                    break;
                case "additionalProperties":
                    if (v.isBoolean()) {
                        s.additionalPropertiesAllows = v.booleanValue();
                    } else {
                        s.additionalPropertiesAllows = true;
                        s.additionalPropertiesSchema = decode(v, p, errs);
                    }
                    break;
                case "x-kubernetes-preserve-unknown-fields":
                    if (!v.isNull()) {
                        s.preserveUnknownFields = bool(v, p, errs);
                    }
                    break;
                case "x-kubernetes-embedded-resource":
                    s.embeddedResource = bool(v, p, errs);
                    break;
                case "x-kubernetes-int-or-string":
                    s.intOrString = bool(v, p, errs);
                    break;
                case "x-kubernetes-list-map-keys":
                    s.listMapKeys = strings(v, p, errs);
                    break;
                case "x-kubernetes-list-type":
                    s.listType = string(v, p, errs);
                    break;
                case "x-kubernetes-map-type":
                    s.mapType = string(v, p, errs);
                    break;
                case "x-kubernetes-validations":
                    if (!v.isArray()) {
                        errs.add(FieldError.invalid(p, v, "must be an array"));
                    } else {
                        s.xValidations = v;
                    }
                    break;
                default:
                    // unknown fields are dropped by decoding (strict decoding only warns)
            }
        }
        return s;
    }

    private static String string(JsonNode v, String p, List<FieldError> errs) {
        if (!v.isTextual()) {
            errs.add(FieldError.invalid(p, v, "must be a string"));
            return "";
        }
        return v.asText();
    }

    private static boolean bool(JsonNode v, String p, List<FieldError> errs) {
        if (!v.isBoolean()) {
            errs.add(FieldError.invalid(p, v, "must be a boolean"));
            return false;
        }
        return v.booleanValue();
    }

    private static Double number(JsonNode v, String p, List<FieldError> errs) {
        if (!v.isNumber()) {
            errs.add(FieldError.invalid(p, v, "must be a number"));
            return null;
        }
        return v.doubleValue();
    }

    private static Long integer(JsonNode v, String p, List<FieldError> errs) {
        if (GoValues.kind(v) != GoValues.Kind.INT64) {
            errs.add(FieldError.invalid(p, v, "must be an integer"));
            return null;
        }
        return v.longValue();
    }

    private static List<String> strings(JsonNode v, String p, List<FieldError> errs) {
        if (!v.isArray()) {
            errs.add(FieldError.invalid(p, v, "must be an array of strings"));
            return Collections.emptyList();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (e.isTextual()) {
                out.add(e.asText());
            } else if (e.isNull()) {
                out.add("");
            } else {
                errs.add(FieldError.invalid(Paths.index(p, i), e, "must be a string"));
            }
        }
        return Collections.unmodifiableList(out);
    }

    private static List<StructuralSchema> schemas(JsonNode v, String p, List<FieldError> errs) {
        if (!v.isArray()) {
            errs.add(FieldError.invalid(p, v, "must be an array"));
            return Collections.emptyList();
        }
        List<StructuralSchema> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            out.add(decode(v.get(i), Paths.index(p, i), errs));
        }
        return Collections.unmodifiableList(out);
    }

    private static Map<String, StructuralSchema> schemaMap(JsonNode v, String p, List<FieldError> errs) {
        if (!v.isObject()) {
            errs.add(FieldError.invalid(p, v, "must be an object"));
            return Collections.emptyMap();
        }
        Map<String, StructuralSchema> out = new LinkedHashMap<>();
        v.properties().forEach(e -> out.put(e.getKey(), decode(e.getValue(), Paths.key(p, e.getKey()), errs)));
        return Collections.unmodifiableMap(out);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // accessors

    /** {@code type}, "" when unset. */
    public String type() {
        return type;
    }

    /** {@code format}, "" when unset (as written; the validator ignores formats upstream does not support). */
    public String format() {
        return format;
    }

    public String description() {
        return description;
    }

    public String title() {
        return title;
    }

    /** {@code default}, null when unset (a JSON null default is no default). Do not mutate; copy it. */
    public JsonNode defaultValue() {
        return defaultValue;
    }

    public boolean nullable() {
        return nullable;
    }

    public JsonNode example() {
        return example;
    }

    /** {@code properties} in declaration order; empty when unset. */
    public Map<String, StructuralSchema> properties() {
        return properties;
    }

    /** The schema of one property, or null. */
    public StructuralSchema property(String name) {
        return properties.get(name);
    }

    /** {@code items} (a single schema), or null. */
    public StructuralSchema items() {
        return items;
    }

    /** Whether {@code additionalProperties} is set at all (a boolean or a schema). */
    public boolean hasAdditionalProperties() {
        return additionalPropertiesAllows != null;
    }

    /** {@code additionalProperties} as a boolean: null when unset, true for a schema. */
    public Boolean additionalPropertiesAllowed() {
        return additionalPropertiesAllows;
    }

    /** The {@code additionalProperties} schema, or null (unset or a boolean). */
    public StructuralSchema additionalProperties() {
        return additionalPropertiesSchema;
    }

    /** {@code x-kubernetes-preserve-unknown-fields: true}. */
    public boolean preserveUnknownFields() {
        return Boolean.TRUE.equals(preserveUnknownFields);
    }

    /** {@code x-kubernetes-embedded-resource}. */
    public boolean embeddedResource() {
        return embeddedResource;
    }

    /** {@code x-kubernetes-int-or-string}. */
    public boolean intOrString() {
        return intOrString;
    }

    /** {@code x-kubernetes-list-type}, or null. */
    public String listType() {
        return listType;
    }

    /** {@code x-kubernetes-list-map-keys}; empty when unset. */
    public List<String> listMapKeys() {
        return listMapKeys;
    }

    /** {@code x-kubernetes-map-type}, or null. */
    public String mapType() {
        return mapType;
    }

    /** {@code x-kubernetes-validations} as written (CEL rules are not evaluated here), or null. */
    public JsonNode xValidations() {
        return xValidations;
    }

    public Double maximum() {
        return maximum;
    }

    public boolean exclusiveMaximum() {
        return exclusiveMaximum;
    }

    public Double minimum() {
        return minimum;
    }

    public boolean exclusiveMinimum() {
        return exclusiveMinimum;
    }

    public Long maxLength() {
        return maxLength;
    }

    public Long minLength() {
        return minLength;
    }

    /** {@code pattern}, "" when unset. */
    public String pattern() {
        return pattern;
    }

    public Long maxItems() {
        return maxItems;
    }

    public Long minItems() {
        return minItems;
    }

    public boolean uniqueItems() {
        return uniqueItems;
    }

    public Double multipleOf() {
        return multipleOf;
    }

    /** {@code enum}, or null when unset. */
    public List<JsonNode> enumValues() {
        return enumValues;
    }

    public Long maxProperties() {
        return maxProperties;
    }

    public Long minProperties() {
        return minProperties;
    }

    /** {@code required}; empty when unset. */
    public List<String> required() {
        return required;
    }

    public List<StructuralSchema> allOf() {
        return allOf;
    }

    public List<StructuralSchema> oneOf() {
        return oneOf;
    }

    public List<StructuralSchema> anyOf() {
        return anyOf;
    }

    /** {@code not}, or null. */
    public StructuralSchema not() {
        return not;
    }

    /** Whether this node or one below it (properties, items, additionalProperties) has a default. */
    public boolean hasDefaults() {
        if (defaultValue != null) {
            return true;
        }
        if (properties() != null) {
            for (StructuralSchema p : properties().values()) {
                if (p.hasDefaults()) {
                    return true;
                }
            }
        }
        return (items() != null && items().hasDefaults())
            || (additionalProperties() != null && additionalProperties().hasDefaults());
    }

    /** The JSON this node was read from. */
    public JsonNode raw() {
        return raw;
    }

    /** Shallow copy (children shared; the tree is immutable) with the embedded-resource flag set. */
    StructuralSchema withEmbeddedResource() {
        StructuralSchema c = copy();
        c.embeddedResource = true;
        return c;
    }

    StructuralSchema copy() {
        StructuralSchema c = new StructuralSchema();
        c.type = type;
        c.format = format;
        c.description = description;
        c.title = title;
        c.defaultValue = defaultValue;
        c.nullable = nullable;
        c.example = example;
        c.externalDocs = externalDocs;
        c.properties = properties;
        c.propertiesSet = propertiesSet;
        c.items = items;
        c.additionalPropertiesAllows = additionalPropertiesAllows;
        c.additionalPropertiesSchema = additionalPropertiesSchema;
        c.preserveUnknownFields = preserveUnknownFields;
        c.embeddedResource = embeddedResource;
        c.intOrString = intOrString;
        c.listMapKeys = listMapKeys;
        c.listType = listType;
        c.mapType = mapType;
        c.xValidations = xValidations;
        c.maximum = maximum;
        c.exclusiveMaximum = exclusiveMaximum;
        c.minimum = minimum;
        c.exclusiveMinimum = exclusiveMinimum;
        c.maxLength = maxLength;
        c.minLength = minLength;
        c.pattern = pattern;
        c.maxItems = maxItems;
        c.minItems = minItems;
        c.uniqueItems = uniqueItems;
        c.multipleOf = multipleOf;
        c.enumValues = enumValues;
        c.maxProperties = maxProperties;
        c.minProperties = minProperties;
        c.required = required;
        c.allOf = allOf;
        c.oneOf = oneOf;
        c.anyOf = anyOf;
        c.not = not;
        c.id = id;
        c.schemaURL = schemaURL;
        c.ref = ref;
        c.itemsArray = itemsArray;
        c.patternProperties = patternProperties;
        c.dependencies = dependencies;
        c.additionalItems = additionalItems;
        c.definitions = definitions;
        c.raw = raw;
        return c;
    }

    @Override
    public String toString() {
        return raw == null ? "{}" : raw.toString();
    }
}
