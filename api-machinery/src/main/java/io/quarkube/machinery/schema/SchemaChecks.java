package io.quarkube.machinery.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What upstream checks of an {@code openAPIV3Schema} when a CRD is created or updated
 * ({@code validateCustomResourceDefinitionValidation}): the root restrictions with the status subresource,
 * {@code ValidateStructural}, {@code ValidateDefaults} and {@code ValidateCustomResourceDefinitionOpenAPISchema},
 * with upstream's options for create (valid property types, structural, pruned defaults, atomic set items, map
 * list keys required or defaulted).
 */
final class SchemaChecks {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final Set<String> OPENAPI_V3_TYPES = Set.of("string", "number", "integer", "boolean", "array",
            "object");
    private static final List<String> OPENAPI_V3_TYPES_SORTED = List.of("array", "boolean", "integer", "number",
            "object", "string");
    private static final Set<String> META_FIELDS = Set.of("metadata", "kind", "apiVersion");
    private static final List<String> SUPPORTED_REASONS = List.of("FieldValueDuplicate", "FieldValueForbidden",
            "FieldValueInvalid", "FieldValueRequired");
    private static final Pattern NEWLINES = Pattern.compile("[\\n\\r]+");
    private static final List<String> ALLOWED_AT_ROOT = List.of("Description", "Type", "Format", "Title", "Maximum",
            "ExclusiveMaximum", "Minimum", "ExclusiveMinimum", "MaxLength", "MinLength", "Pattern", "MaxItems",
            "MinItems", "UniqueItems", "MultipleOf", "Required", "Items", "Properties", "ExternalDocs", "Example",
            "XPreserveUnknownFields", "XValidations");
    /** JSONSchemaProps' fields in struct order, with their JSON names. */
    private static final String[][] FIELDS = {{"ID", "id"}, {"Schema", "$schema"}, {"Ref", "$ref"},
        {"Description", "description"}, {"Type", "type"}, {"Nullable", "nullable"}, {"Format", "format"},
        {"Title", "title"}, {"Default", "default"}, {"Maximum", "maximum"}, {"ExclusiveMaximum", "exclusiveMaximum"},
        {"Minimum", "minimum"}, {"ExclusiveMinimum", "exclusiveMinimum"}, {"MaxLength", "maxLength"},
        {"MinLength", "minLength"}, {"Pattern", "pattern"}, {"MaxItems", "maxItems"}, {"MinItems", "minItems"},
        {"UniqueItems", "uniqueItems"}, {"MultipleOf", "multipleOf"}, {"Enum", "enum"},
        {"MaxProperties", "maxProperties"}, {"MinProperties", "minProperties"}, {"Required", "required"},
        {"Items", "items"}, {"AllOf", "allOf"}, {"OneOf", "oneOf"}, {"AnyOf", "anyOf"}, {"Not", "not"},
        {"Properties", "properties"}, {"AdditionalProperties", "additionalProperties"},
        {"PatternProperties", "patternProperties"}, {"Dependencies", "dependencies"},
        {"AdditionalItems", "additionalItems"}, {"Definitions", "definitions"}, {"ExternalDocs", "externalDocs"},
        {"Example", "example"}, {"XPreserveUnknownFields", "x-kubernetes-preserve-unknown-fields"},
        {"XEmbeddedResource", "x-kubernetes-embedded-resource"}, {"XIntOrString", "x-kubernetes-int-or-string"},
        {"XListMapKeys", "x-kubernetes-list-map-keys"}, {"XListType", "x-kubernetes-list-type"},
        {"XMapType", "x-kubernetes-map-type"}, {"XValidations", "x-kubernetes-validations"}};
    private static final Set<String> KNOWN_KEYS = new HashSet<>();

    static {
        for (String[] f : FIELDS) {
            KNOWN_KEYS.add(f[1]);
        }
    }

    private SchemaChecks() {
    }

    static StructuralSchema.ParseResult parse(JsonNode raw, String path, StructuralSchema.Options options) {
        List<FieldError> errs = new ArrayList<>();
        if (raw == null || raw.isNull() || raw.isMissingNode()) {
            errs.add(FieldError.required(path, ""));
            return new StructuralSchema.ParseResult(null, errs);
        }
        StructuralSchema s = StructuralSchema.decode(raw, path, errs);
        if (!errs.isEmpty()) {
            return new StructuralSchema.ParseResult(null, errs);
        }
        if (options.statusSubresource) {
            checkStatusRoot(s, raw, path, errs);
        }
        if (s.nullable) {
            errs.add(FieldError.forbidden(Paths.child(path, "nullable"), "nullable cannot be true at the root"));
        }
        List<FieldError> initErrs = new ArrayList<>();
        String unsupported = unsupported(s);
        if (unsupported != null) {
            initErrs.add(FieldError.invalid(path, "", unsupported));
        } else {
            List<FieldError> structural = validateStructural(path, s);
            if (!structural.isEmpty()) {
                errs.addAll(structural);
            } else {
                errs.addAll(validateDefaults(path, s));
            }
        }
        openAPI(s, path, new Ssv(), true, errs);
        if (errs.isEmpty()) {
            errs.addAll(initErrs);
        }
        return new StructuralSchema.ParseResult(s, errs);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // status subresource: only some fields at the root

    private static void checkStatusRoot(StructuralSchema s, JsonNode raw, String path, List<FieldError> errs) {
        for (String[] f : FIELDS) {
            JsonNode v = raw.get(f[1]);
            if (isZero(f[1], v)) {
                continue;
            }
            if (f[0].equals("Type")) {
                if (!s.type.equals("object")) {
                    errs.add(FieldError.invalid(Paths.child(path, "type"), s.type,
                            "only \"object\" is allowed as the type at the root of the schema if the status "
                                    + "subresource is enabled"));
                    break;
                }
                continue;
            }
            if (!ALLOWED_AT_ROOT.contains(f[0])) {
                errs.add(FieldError.invalid(path, raw, "only [" + String.join(" ", ALLOWED_AT_ROOT)
                        + "] fields are allowed at the root of the schema if the status subresource is enabled"));
                break;
            }
        }
    }

    /** Whether a decoded JSONSchemaProps field keeps Go's zero value. */
    private static boolean isZero(String key, JsonNode v) {
        if (v == null || v.isNull()) {
            return true;
        }
        if (v.isBoolean()) {
            // pointers to bool (x-kubernetes-preserve-unknown-fields) are non-zero even when false
            return !v.booleanValue() && !key.equals("x-kubernetes-preserve-unknown-fields");
        }
        if (v.isTextual()) {
            return v.asText().isEmpty() && !key.equals("$ref") && !key.equals("x-kubernetes-list-type")
                    && !key.equals("x-kubernetes-map-type");
        }
        return false;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // NewStructural: what a structural schema cannot hold

    /** The error {@code NewStructural} returns, or null. */
    static String unsupported(StructuralSchema s) {
        if (s == null) {
            return null;
        }
        String e = unsupportedFields(s);
        if (e != null) {
            return e;
        }
        e = unsupportedInValueValidation(s);
        if (e != null) {
            return e;
        }
        e = extensions(s);
        if (e != null) {
            return e;
        }
        if (s.itemsArray != null) {
            return "OpenAPIV3Schema 'items' must be a schema, but is an array";
        }
        e = unsupported(s.items);
        if (e != null) {
            return e;
        }
        for (StructuralSchema p : s.properties.values()) {
            e = unsupported(p);
            if (e != null) {
                return e;
            }
        }
        return unsupported(s.additionalPropertiesSchema);
    }

    private static String unsupportedInValueValidation(StructuralSchema s) {
        String e = unsupported(s.not);
        if (e != null) {
            return e;
        }
        for (List<StructuralSchema> junctor : List.of(s.allOf, s.anyOf, s.oneOf)) {
            for (StructuralSchema j : junctor) {
                e = unsupported(j);
                if (e != null) {
                    return e;
                }
            }
        }
        return null;
    }

    private static String extensions(StructuralSchema s) {
        if (Boolean.FALSE.equals(s.preserveUnknownFields)) {
            return "internal error: 'x-kubernetes-preserve-unknown-fields' must be true or undefined";
        }
        return null;
    }

    private static String unsupportedFields(StructuralSchema s) {
        if (!s.id.isEmpty()) {
            return "OpenAPIV3Schema 'id' is not supported";
        }
        if (!s.schemaURL.isEmpty()) {
            return "OpenAPIV3Schema 'schema' is not supported";
        }
        if (s.ref != null && !s.ref.isEmpty()) {
            return "OpenAPIV3Schema '$ref' is not supported";
        }
        if (!s.patternProperties.isEmpty()) {
            return "OpenAPIV3Schema 'patternProperties' is not supported";
        }
        if (s.dependencies != null && !s.dependencies.isEmpty()) {
            return "OpenAPIV3Schema 'dependencies' is not supported";
        }
        if (s.additionalItems != null) {
            return "OpenAPIV3Schema 'additionalItems' is not supported";
        }
        if (!s.definitions.isEmpty()) {
            return "OpenAPIV3Schema 'definitions' is not supported";
        }
        return null;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // ValidateStructural

    private enum Level { ROOT, ITEM, FIELD }

    static List<FieldError> validateStructural(String path, StructuralSchema s) {
        List<FieldError> errs = new ArrayList<>();
        invariants(s, Level.ROOT, path, errs);
        completeness(s, path, errs);
        errs.sort(Comparator.comparing(FieldError::toString));
        return errs;
    }

    private static void invariants(StructuralSchema s, Level lvl, String path, List<FieldError> errs) {
        if (s == null) {
            return;
        }
        if (s.type.equals("array") && s.items == null) {
            errs.add(FieldError.required(Paths.child(path, "items"), "must be specified"));
        }
        invariants(s.items, Level.ITEM, Paths.child(path, "items"), errs);
        for (Map.Entry<String, StructuralSchema> p : s.properties.entrySet()) {
            invariants(p.getValue(), Level.FIELD, Paths.key(Paths.child(path, "properties"), p.getKey()), errs);
        }
        if (s.additionalPropertiesAllows != null) {
            if (lvl == Level.ROOT) {
                errs.add(FieldError.forbidden(Paths.child(path, "additionalProperties"), "must not be used at the root"));
            }
            invariants(s.additionalPropertiesSchema, Level.FIELD, Paths.child(path, "additionalProperties"), errs);
        }
        if (s.intOrString && s.preserveUnknownFields()) {
            errs.add(FieldError.invalid(Paths.child(path, "x-kubernetes-preserve-unknown-fields"),
                    NODES.booleanNode(true), "must be false if x-kubernetes-int-or-string is true"));
        }
        if (s.intOrString && s.embeddedResource) {
            errs.add(FieldError.invalid(Paths.child(path, "x-kubernetes-embedded-resource"), NODES.booleanNode(true),
                    "must be false if x-kubernetes-int-or-string is true"));
        }
        boolean skipAnyOf = isIntOrStringAnyOf(s.anyOf);
        boolean skipFirstAllOfAnyOf = !s.allOf.isEmpty() && isIntOrStringAnyOf(s.allOf.get(0).anyOf);
        valueValidation(s, skipAnyOf, skipFirstAllOfAnyOf, lvl, path, errs);

        boolean checkMetadata = lvl == Level.ROOT || s.embeddedResource;
        if (s.embeddedResource && !s.type.equals("object")) {
            String msg = "must be object if x-kubernetes-embedded-resource is true";
            if (s.type.isEmpty()) {
                errs.add(FieldError.required(Paths.child(path, "type"), msg));
            } else {
                errs.add(FieldError.invalid(Paths.child(path, "type"), s.type, msg));
            }
        } else if (s.type.isEmpty() && !s.intOrString && !s.preserveUnknownFields()) {
            String msg = lvl == Level.ROOT ? "must not be empty at the root"
                    : lvl == Level.ITEM ? "must not be empty for specified array items"
                            : "must not be empty for specified object fields";
            errs.add(FieldError.required(Paths.child(path, "type"), msg));
        }
        if (s.embeddedResource && s.additionalPropertiesAllows != null) {
            errs.add(FieldError.forbidden(Paths.child(path, "additionalProperties"),
                    "must not be used if x-kubernetes-embedded-resource is set"));
        }
        if (lvl == Level.ROOT && !s.type.isEmpty() && !s.type.equals("object")) {
            errs.add(FieldError.invalid(Paths.child(path, "type"), s.type, "must be object at the root"));
        }
        String props = Paths.child(path, "properties");
        for (String f : List.of("kind", "apiVersion")) {
            StructuralSchema p = s.properties.get(f);
            if (p != null && checkMetadata && !p.type.equals("string")) {
                errs.add(FieldError.invalid(Paths.child(Paths.key(props, f), "type"), p.type, "must be string"));
            }
        }
        StructuralSchema metadata = s.properties.get("metadata");
        if (metadata != null) {
            metadataInvariants(metadata, checkMetadata, lvl, Paths.key(props, "metadata"), errs);
        }
        if (s.embeddedResource && !s.preserveUnknownFields() && s.properties.isEmpty()) {
            errs.add(FieldError.required(props,
                    "must not be empty if x-kubernetes-embedded-resource is true without "
                            + "x-kubernetes-preserve-unknown-fields"));
        }
    }

    private static void metadataInvariants(StructuralSchema m, boolean checkMetadata, Level lvl, String path,
            List<FieldError> errs) {
        if (checkMetadata && !m.type.equals("object")) {
            errs.add(FieldError.invalid(Paths.child(path, "type"), m.type, "must be object"));
        }
        if (lvl != Level.ROOT) {
            return;
        }
        boolean name = m.properties.containsKey("name");
        boolean generateName = m.properties.containsKey("generateName");
        int n = m.properties.size();
        boolean onlyNames = name && generateName && n == 2 || (name || generateName) && n == 1 || n == 0;
        JsonNode r = m.raw == null ? NODES.objectNode() : m.raw;
        boolean zero = onlyNames && m.items == null && m.itemsArray == null && m.additionalPropertiesAllows == null
                && m.description.isEmpty() && m.title.isEmpty() && !m.nullable && m.externalDocs == null
                && m.example == null && !m.preserveUnknownFields() && !m.embeddedResource && !m.intOrString
                && present(r, "x-kubernetes-list-map-keys") == null && m.listType == null && m.mapType == null
                && present(r, "x-kubernetes-validations") == null && m.format.isEmpty() && m.maximum == null
                && !m.exclusiveMaximum && m.minimum == null && !m.exclusiveMinimum && m.maxLength == null
                && m.minLength == null && m.pattern.isEmpty() && m.maxItems == null && m.minItems == null
                && !m.uniqueItems && m.multipleOf == null && (m.enumValues == null || m.enumValues.isEmpty())
                && m.maxProperties == null && m.minProperties == null && present(r, "required") == null
                && m.allOf.isEmpty() && m.oneOf.isEmpty() && m.anyOf.isEmpty() && m.not == null;
        if (!zero) {
            errs.add(FieldError.forbidden(path,
                    "must not specify anything other than name and generateName, but metadata is implicitly specified"));
        }
    }

    private static JsonNode present(JsonNode raw, String key) {
        JsonNode v = raw.get(key);
        return v == null || v.isNull() ? null : v;
    }

    /** {@code anyOf: [{type: integer}, {type: string}]} and nothing else in either branch. */
    private static boolean isIntOrStringAnyOf(List<StructuralSchema> anyOf) {
        return anyOf.size() == 2 && onlyType(anyOf.get(0), "integer") && onlyType(anyOf.get(1), "string");
    }

    private static boolean onlyType(StructuralSchema s, String type) {
        if (!s.type.equals(type) || s.raw == null) {
            return false;
        }
        for (Map.Entry<String, JsonNode> e : s.raw.properties()) {
            if (e.getKey().equals("type") || !KNOWN_KEYS.contains(e.getKey())) {
                continue;
            }
            JsonNode v = e.getValue();
            boolean zero = v.isNull() || v.isBoolean() && !v.booleanValue()
                    && !e.getKey().equals("x-kubernetes-preserve-unknown-fields")
                    || v.isTextual() && v.asText().isEmpty() && !e.getKey().equals("$ref")
                            && !e.getKey().equals("x-kubernetes-list-type") && !e.getKey().equals("x-kubernetes-map-type")
                    || v.isArray() && v.size() == 0 && (e.getKey().equals("enum") || e.getKey().equals("allOf")
                            || e.getKey().equals("anyOf") || e.getKey().equals("oneOf"));
            if (!zero) {
                return false;
            }
        }
        return true;
    }

    private static void valueValidation(StructuralSchema v, boolean skipAnyOf, boolean skipFirstAllOfAnyOf,
            Level lvl, String path, List<FieldError> errs) {
        if (!skipAnyOf) {
            for (int i = 0; i < v.anyOf.size(); i++) {
                nested(v.anyOf.get(i), false, lvl, Paths.index(Paths.child(path, "anyOf"), i), errs);
            }
        }
        for (int i = 0; i < v.allOf.size(); i++) {
            nested(v.allOf.get(i), skipFirstAllOfAnyOf && i == 0, lvl, Paths.index(Paths.child(path, "allOf"), i),
                    errs);
        }
        for (int i = 0; i < v.oneOf.size(); i++) {
            nested(v.oneOf.get(i), false, lvl, Paths.index(Paths.child(path, "oneOf"), i), errs);
        }
        nested(v.not, false, lvl, Paths.child(path, "not"), errs);
        if (!v.pattern.isEmpty()) {
            try {
                GoRegex.compile(v.pattern);
            } catch (GoRegex.SyntaxError e) {
                errs.add(FieldError.invalid(Paths.child(path, "pattern"), v.pattern,
                        "must be a valid regular expression, but isn't: " + e.getMessage()));
            }
        }
    }

    private static void nested(StructuralSchema v, boolean skipAnyOf, Level lvl, String path,
            List<FieldError> errs) {
        if (v == null) {
            return;
        }
        valueValidation(v, skipAnyOf, false, lvl, path, errs);
        nested(v.items, false, lvl, Paths.child(path, "items"), errs);
        for (Map.Entry<String, StructuralSchema> p : v.properties.entrySet()) {
            nested(p.getValue(), false, Level.FIELD, Paths.key(Paths.child(path, "properties"), p.getKey()), errs);
        }
        if (!v.type.isEmpty()) {
            errs.add(FieldError.forbidden(Paths.child(path, "type"), "must be empty to be structural"));
        }
        if (v.additionalPropertiesSchema != null || Boolean.TRUE.equals(v.additionalPropertiesAllows)) {
            errs.add(FieldError.forbidden(Paths.child(path, "additionalProperties"), "must be undefined to be structural"));
        }
        if (v.defaultValue != null) {
            errs.add(FieldError.forbidden(Paths.child(path, "default"), "must be undefined to be structural"));
        }
        if (!v.title.isEmpty()) {
            errs.add(FieldError.forbidden(Paths.child(path, "title"), "must be empty to be structural"));
        }
        if (!v.description.isEmpty()) {
            errs.add(FieldError.forbidden(Paths.child(path, "description"), "must be empty to be structural"));
        }
        if (v.nullable) {
            errs.add(FieldError.forbidden(Paths.child(path, "nullable"), "must be false to be structural"));
        }
        if (v.preserveUnknownFields()) {
            errs.add(FieldError.forbidden(Paths.child(path, "x-kubernetes-preserve-unknown-fields"),
                    "must be false to be structural"));
        }
        if (v.embeddedResource) {
            errs.add(FieldError.forbidden(Paths.child(path, "x-kubernetes-embedded-resource"),
                    "must be false to be structural"));
        }
        if (v.intOrString) {
            errs.add(FieldError.forbidden(Paths.child(path, "x-kubernetes-int-or-string"),
                    "must be false to be structural"));
        }
        if (!v.listMapKeys.isEmpty()) {
            errs.add(FieldError.forbidden(Paths.child(path, "x-kubernetes-list-map-keys"),
                    "must be empty to be structural"));
        }
        if (v.listType != null) {
            errs.add(FieldError.forbidden(Paths.child(path, "x-kubernetes-list-type"),
                    "must be undefined to be structural"));
        }
        if (v.mapType != null) {
            errs.add(FieldError.forbidden(Paths.child(path, "x-kubernetes-map-type"),
                    "must be undefined to be structural"));
        }
        if (v.xValidations != null && v.xValidations.size() > 0) {
            errs.add(FieldError.forbidden(Paths.child(path, "x-kubernetes-validations"),
                    "must be empty to be structural"));
        }
        if (v.properties.containsKey("metadata")) {
            errs.add(FieldError.forbidden(Paths.key(Paths.child(path, "properties"), "metadata"),
                    "must not be specified in a nested context"));
        }
    }

    private static void completeness(StructuralSchema s, String path, List<FieldError> errs) {
        if (s == null) {
            return;
        }
        valueValidationCompleteness(s, s, path, path, errs);
    }

    private static void valueValidationCompleteness(StructuralSchema v, StructuralSchema s, String sPath,
            String vPath, List<FieldError> errs) {
        if (v == null) {
            return;
        }
        if (s == null) {
            errs.add(FieldError.required(sPath, "because it is defined in " + vPath));
            return;
        }
        nestedCompleteness(v.not, s, sPath, Paths.child(vPath, "not"), errs);
        for (int i = 0; i < v.allOf.size(); i++) {
            nestedCompleteness(v.allOf.get(i), s, sPath, Paths.index(Paths.child(vPath, "allOf"), i), errs);
        }
        for (int i = 0; i < v.anyOf.size(); i++) {
            nestedCompleteness(v.anyOf.get(i), s, sPath, Paths.index(Paths.child(vPath, "anyOf"), i), errs);
        }
        for (int i = 0; i < v.oneOf.size(); i++) {
            nestedCompleteness(v.oneOf.get(i), s, sPath, Paths.index(Paths.child(vPath, "oneOf"), i), errs);
        }
    }

    private static void nestedCompleteness(StructuralSchema v, StructuralSchema s, String sPath, String vPath,
            List<FieldError> errs) {
        if (v == null) {
            return;
        }
        if (s == null) {
            errs.add(FieldError.required(sPath, "because it is defined in " + vPath));
            return;
        }
        valueValidationCompleteness(v, s, sPath, vPath, errs);
        nestedCompleteness(v.items, s.items, Paths.child(sPath, "items"), Paths.child(vPath, "items"), errs);
        for (Map.Entry<String, StructuralSchema> p : v.properties.entrySet()) {
            String k = p.getKey();
            String sp = Paths.key(Paths.child(sPath, "properties"), k);
            String vp = Paths.key(Paths.child(vPath, "properties"), k);
            StructuralSchema sFld = s.properties.get(k);
            if (sFld == null) {
                errs.add(FieldError.required(sp, "because it is defined in " + vp));
            } else {
                nestedCompleteness(p.getValue(), sFld, sp, vp, errs);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // ValidateDefaults

    static List<FieldError> validateDefaults(String path, StructuralSchema s) {
        List<FieldError> errs = new ArrayList<>();
        StructuralSchema root = s.embeddedResource ? s : s.withEmbeddedResource();
        defaults(path, root, false, errs);
        return errs;
    }

    private static void defaults(String path, StructuralSchema s, boolean insideMeta, List<FieldError> errs) {
        if (s == null) {
            return;
        }
        if (s.embeddedResource) {
            insideMeta = false;
        }
        if (s.defaultValue != null) {
            String dp = Paths.child(path, "default");
            if (insideMeta) {
                errs.addAll(Validator.validateDefault(s.defaultValue, s, dp));
            } else {
                JsonNode pruned = s.defaultValue.deepCopy();
                Pruner.prune(pruned, s, s.embeddedResource);
                if (!GoValues.deepEqual(pruned, s.defaultValue)) {
                    errs.add(FieldError.invalid(dp, s.defaultValue, "must not have unknown fields"));
                }
                List<FieldError> meta = EmbeddedResources.validate(dp, s.defaultValue, s, s.embeddedResource);
                if (!meta.isEmpty()) {
                    errs.addAll(meta);
                } else {
                    errs.addAll(Validator.validateDefault(s.defaultValue, s, dp));
                }
            }
        }
        // additionalProperties are not followed: defaults are forbidden there
        defaults(Paths.child(path, "items"), s.items, insideMeta, errs);
        for (Map.Entry<String, StructuralSchema> p : s.properties.entrySet()) {
            boolean subInsideMeta = insideMeta || s.embeddedResource && META_FIELDS.contains(p.getKey());
            defaults(Paths.key(Paths.child(path, "properties"), p.getKey()), p.getValue(), subInsideMeta, errs);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // ValidateCustomResourceDefinitionOpenAPISchema

    /** upstream's specStandardValidatorV3 state. */
    private static final class Ssv {
        boolean allowDefaults = true;
        String disallowDefaultsReason = "";
        boolean insideResourceMeta;

        Ssv withForbiddenDefaults(String reason) {
            Ssv c = copy();
            c.allowDefaults = false;
            c.disallowDefaultsReason = reason;
            return c;
        }

        Ssv withInsideResourceMeta() {
            Ssv c = copy();
            c.insideResourceMeta = true;
            return c;
        }

        private Ssv copy() {
            Ssv c = new Ssv();
            c.allowDefaults = allowDefaults;
            c.disallowDefaultsReason = disallowDefaultsReason;
            c.insideResourceMeta = insideResourceMeta;
            return c;
        }

        void validate(StructuralSchema s, String path, List<FieldError> errs) {
            if (!s.type.isEmpty() && !OPENAPI_V3_TYPES.contains(s.type)) {
                errs.add(FieldError.notSupported(Paths.child(path, "type"), NODES.textNode(s.type),
                        OPENAPI_V3_TYPES_SORTED));
            }
            if (s.defaultValue != null && !allowDefaults) {
                String detail = "must not be set";
                if (!disallowDefaultsReason.isEmpty()) {
                    detail += " " + disallowDefaultsReason;
                }
                errs.add(FieldError.forbidden(Paths.child(path, "default"), detail));
            }
            if (!s.id.isEmpty()) {
                errs.add(FieldError.forbidden(Paths.child(path, "id"), "id is not supported"));
            }
            if (s.additionalItems != null) {
                errs.add(FieldError.forbidden(Paths.child(path, "additionalItems"), "additionalItems is not supported"));
            }
            if (!s.patternProperties.isEmpty()) {
                errs.add(FieldError.forbidden(Paths.child(path, "patternProperties"),
                        "patternProperties is not supported"));
            }
            if (!s.definitions.isEmpty()) {
                errs.add(FieldError.forbidden(Paths.child(path, "definitions"), "definitions is not supported"));
            }
            if (s.dependencies != null) {
                errs.add(FieldError.forbidden(Paths.child(path, "dependencies"), "dependencies is not supported"));
            }
            if (s.ref != null) {
                errs.add(FieldError.forbidden(Paths.child(path, "$ref"), "$ref is not supported"));
            }
            if (s.type.equals("null")) {
                errs.add(FieldError.forbidden(Paths.child(path, "type"),
                        "type cannot be set to null, use nullable as an alternative"));
            }
            if (s.itemsArray != null && !s.itemsArray.isEmpty()) {
                errs.add(FieldError.forbidden(Paths.child(path, "items"),
                        "items must be a schema object and not an array"));
            }
            if (insideResourceMeta && s.embeddedResource) {
                errs.add(FieldError.forbidden(Paths.child(path, "x-kubernetes-embedded-resource"),
                        "must not be used inside of resource meta"));
            }
        }
    }

    private static void openAPI(StructuralSchema s, String path, Ssv ssv, boolean isRoot, List<FieldError> errs) {
        if (s == null) {
            return;
        }
        ssv.validate(s, path, errs);
        if (s.uniqueItems) {
            errs.add(FieldError.forbidden(Paths.child(path, "uniqueItems"),
                    "uniqueItems cannot be set to true since the runtime complexity becomes quadratic"));
        }
        if (s.additionalPropertiesAllows != null) {
            if (!s.properties.isEmpty() && (!s.additionalPropertiesAllows || s.additionalPropertiesSchema != null)) {
                errs.add(FieldError.forbidden(Paths.child(path, "additionalProperties"),
                        "additionalProperties and properties are mutual exclusive"));
            }
            Ssv sub = ssv.insideResourceMeta
                    ? ssv.withForbiddenDefaults("inside additionalProperties applying to object metadata") : ssv;
            openAPI(s.additionalPropertiesSchema, Paths.child(path, "additionalProperties"), sub, false, errs);
        }
        for (Map.Entry<String, StructuralSchema> p : s.properties.entrySet()) {
            String property = p.getKey();
            Ssv sub = ssv;
            if ((isRoot || s.embeddedResource) && META_FIELDS.contains(property)) {
                sub = sub.withInsideResourceMeta();
                if (isRoot) {
                    sub = sub.withForbiddenDefaults("in top-level " + property);
                }
            }
            openAPI(p.getValue(), Paths.key(Paths.child(path, "properties"), property), sub, false, errs);
        }
        openAPI(s.not, Paths.child(path, "not"), ssv, false, errs);
        for (int i = 0; i < s.allOf.size(); i++) {
            openAPI(s.allOf.get(i), Paths.index(Paths.child(path, "allOf"), i), ssv, false, errs);
        }
        for (int i = 0; i < s.oneOf.size(); i++) {
            openAPI(s.oneOf.get(i), Paths.index(Paths.child(path, "oneOf"), i), ssv, false, errs);
        }
        for (int i = 0; i < s.anyOf.size(); i++) {
            openAPI(s.anyOf.get(i), Paths.index(Paths.child(path, "anyOf"), i), ssv, false, errs);
        }
        for (Map.Entry<String, StructuralSchema> d : s.definitions.entrySet()) {
            openAPI(d.getValue(), Paths.key(Paths.child(path, "definitions"), d.getKey()), ssv, false, errs);
        }
        openAPI(s.items, Paths.child(path, "items"), ssv, false, errs);
        if (s.itemsArray != null) {
            for (int i = 0; i < s.itemsArray.size(); i++) {
                openAPI(s.itemsArray.get(i), Paths.index(Paths.child(path, "items"), i), ssv, false, errs);
            }
        }
        if (s.dependencies != null) {
            for (Map.Entry<String, JsonNode> d : s.dependencies.entrySet()) {
                if (d.getValue().isObject()) {
                    String dp = Paths.key(Paths.child(path, "dependencies"), d.getKey());
                    List<FieldError> ignored = new ArrayList<>();
                    openAPI(StructuralSchema.decode(d.getValue(), dp, ignored), dp, ssv, false, errs);
                }
            }
        }
        if (Boolean.FALSE.equals(s.preserveUnknownFields)) {
            errs.add(FieldError.invalid(Paths.child(path, "x-kubernetes-preserve-unknown-fields"),
                    NODES.booleanNode(false), "must be true or undefined"));
        }
        mapAndListTypes(s, path, errs);
        xValidations(s, path, errs);
    }

    private static void mapAndListTypes(StructuralSchema s, String path, List<FieldError> errs) {
        String typePath = Paths.child(path, "type");
        if (s.mapType != null && !s.type.equals("object")) {
            String msg = "must be object if x-kubernetes-map-type is specified";
            errs.add(s.type.isEmpty() ? FieldError.required(typePath, msg) : FieldError.invalid(typePath, s.type, msg));
        }
        if (s.mapType != null && !s.mapType.equals("atomic") && !s.mapType.equals("granular")) {
            errs.add(FieldError.notSupported(Paths.child(path, "x-kubernetes-map-type"), NODES.textNode(s.mapType),
                    List.of("atomic", "granular")));
        }
        String itemsPath = Paths.child(path, "items");
        if (s.listType != null && !s.type.equals("array")) {
            String msg = "must be array if x-kubernetes-list-type is specified";
            errs.add(s.type.isEmpty() ? FieldError.required(typePath, msg) : FieldError.invalid(typePath, s.type, msg));
        } else if ("set".equals(s.listType) && s.items != null) {
            StructuralSchema is = s.items;
            String msg = "must be atomic as item of a list with x-kubernetes-list-type=set";
            if (is.type.equals("array") && is.listType != null && !is.listType.equals("atomic")) {
                errs.add(FieldError.invalid(Paths.child(itemsPath, "x-kubernetes-list-type"),
                        NODES.textNode(is.listType), msg));
            } else if (is.type.equals("object") && (is.mapType == null || !is.mapType.equals("atomic"))) {
                errs.add(FieldError.invalid(Paths.child(itemsPath, "x-kubernetes-map-type"),
                        is.listType == null ? NODES.nullNode() : NODES.textNode(is.listType), msg));
            }
        }
        if (s.listType != null && !List.of("atomic", "set", "map").contains(s.listType)) {
            errs.add(FieldError.notSupported(Paths.child(path, "x-kubernetes-list-type"), NODES.textNode(s.listType),
                    List.of("atomic", "set", "map")));
        }
        String keysPath = Paths.child(path, "x-kubernetes-list-map-keys");
        String listTypePath = Paths.child(path, "x-kubernetes-list-type");
        if (!s.listMapKeys.isEmpty()) {
            String msg = "must be map if x-kubernetes-list-map-keys is non-empty";
            if (s.listType == null) {
                errs.add(FieldError.required(listTypePath, msg));
            } else if (!s.listType.equals("map")) {
                errs.add(FieldError.invalid(listTypePath, s.listType, msg));
            }
        }
        JsonNode keysValue = keysNode(s.listMapKeys);
        if ("map".equals(s.listType)) {
            if (s.listMapKeys.isEmpty()) {
                errs.add(FieldError.required(keysPath, "must not be empty if x-kubernetes-list-type is map"));
            }
            if (s.items == null && s.itemsArray == null) {
                errs.add(FieldError.required(itemsPath, "must have a schema if x-kubernetes-list-type is map"));
            }
            if (s.itemsArray != null) {
                errs.add(FieldError.invalid(itemsPath, s.raw.get("items"),
                        "must only have a single schema if x-kubernetes-list-type is map"));
            }
            if (s.items != null && !s.items.type.equals("object")) {
                errs.add(FieldError.invalid(Paths.child(itemsPath, "type"), s.items.type,
                        "must be object if parent array's x-kubernetes-list-type is map"));
            }
            if (s.items != null && s.items.type.equals("object")) {
                Set<String> seen = new HashSet<>();
                for (String k : s.listMapKeys) {
                    StructuralSchema ks = s.items.properties.get(k);
                    if (ks != null) {
                        if (ks.type.equals("array") || ks.type.equals("object")) {
                            errs.add(FieldError.invalid(
                                    Paths.child(Paths.key(Paths.child(itemsPath, "properties"), k), "type"),
                                    s.items.type, "must be a scalar type if parent array's x-kubernetes-list-type is map"));
                        }
                    } else {
                        errs.add(FieldError.invalid(keysPath, keysValue, "entries must all be names of item properties"));
                    }
                    if (!seen.add(k)) {
                        errs.add(FieldError.invalid(keysPath, keysValue, "must not contain duplicate entries"));
                    }
                }
            }
        }
        // requireMapListKeysMapSetValidation
        if (s.items != null && ("set".equals(s.listType) || "map".equals(s.listType))) {
            if (s.items.nullable) {
                errs.add(FieldError.forbidden(Paths.child(itemsPath, "nullable"),
                        "cannot be nullable when x-kubernetes-list-type is " + s.listType));
            }
            if ("map".equals(s.listType)) {
                Set<String> required = new HashSet<>(s.items.required);
                for (String k : s.listMapKeys) {
                    StructuralSchema ks = s.items.properties.get(k);
                    if (ks == null) {
                        continue;
                    }
                    String kp = Paths.key(Paths.child(itemsPath, "properties"), k);
                    if (!required.contains(k) && ks.defaultValue == null) {
                        errs.add(FieldError.required(Paths.child(kp, "default"),
                                "this property is in x-kubernetes-list-map-keys, so it must have a default or be a "
                                        + "required property"));
                    }
                    if (ks.nullable) {
                        errs.add(FieldError.forbidden(Paths.child(kp, "nullable"),
                                "this property is in x-kubernetes-list-map-keys, so it cannot be nullable"));
                    }
                }
            }
        }
    }

    private static JsonNode keysNode(List<String> keys) {
        com.fasterxml.jackson.databind.node.ArrayNode a = NODES.arrayNode();
        keys.forEach(a::add);
        return a;
    }

    /** The static checks of {@code x-kubernetes-validations} rules; compiling the CEL is not done. */
    private static void xValidations(StructuralSchema s, String path, List<FieldError> errs) {
        if (s.xValidations == null) {
            return;
        }
        String base = Paths.child(path, "x-kubernetes-validations");
        for (int i = 0; i < s.xValidations.size(); i++) {
            JsonNode rule = s.xValidations.get(i);
            String rp = Paths.index(base, i);
            String ruleText = rule.path("rule").asText("");
            String message = rule.path("message").asText("");
            String trimmedRule = ruleText.strip();
            String trimmedMsg = message.strip();
            if (trimmedRule.isEmpty()) {
                errs.add(FieldError.required(Paths.child(rp, "rule"), "rule is not specified"));
            } else if (!message.isEmpty() && trimmedMsg.isEmpty()) {
                errs.add(FieldError.invalid(Paths.child(rp, "message"), message, "must be non-empty if specified"));
            } else if (NEWLINES.matcher(trimmedMsg).find()) {
                errs.add(FieldError.invalid(Paths.child(rp, "message"), message, "must not contain line breaks"));
            } else if (NEWLINES.matcher(trimmedRule).find() && trimmedMsg.isEmpty()) {
                errs.add(FieldError.required(Paths.child(rp, "message"),
                        "message must be specified if rule contains line breaks"));
            }
            String messageExpression = rule.path("messageExpression").asText("");
            if (!messageExpression.isEmpty() && messageExpression.strip().isEmpty()) {
                errs.add(FieldError.required(Paths.child(rp, "messageExpression"),
                        "messageExpression must be non-empty if specified"));
            }
            JsonNode reason = rule.get("reason");
            if (reason != null && !reason.isNull() && !SUPPORTED_REASONS.contains(reason.asText())) {
                errs.add(FieldError.notSupported(Paths.child(rp, "reason"), reason, SUPPORTED_REASONS));
            }
            String fieldPath = rule.path("fieldPath").asText("");
            if (!fieldPath.isEmpty() && fieldPath.strip().isEmpty()) {
                errs.add(FieldError.invalid(Paths.child(rp, "fieldPath"), fieldPath, "must be non-empty if specified"));
            }
            if (NEWLINES.matcher(fieldPath).find()) {
                errs.add(FieldError.invalid(Paths.child(rp, "fieldPath"), fieldPath, "must not contain line breaks"));
            }
        }
    }
}
