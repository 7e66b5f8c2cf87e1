package io.quarkube.machinery.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Validation of custom resources against their CRD's schema, as upstream's customresource strategy runs it on
 * create and update ({@code ValidateCustomResource}, {@code objectmeta.Validate} for embedded resources,
 * {@code listtype.ValidateListSetsAndMaps}).
 *
 * <p>Messages are upstream's, e.g. {@code spec.replicas: Invalid value: "string": spec.replicas in body must be of
 * type integer: "string"}, {@code spec.mode: Unsupported value: "x": supported values: "a", "b"},
 * {@code spec.name: Required value}. Like upstream, errors that go-openapi reports without a field (the
 * {@code anyOf}/{@code oneOf}/{@code allOf}/{@code not} summaries and numeric format range checks) carry the
 * base path, which is Go's nil path {@code <nil>} for a whole object.
 *
 * <p>Not done here: {@code x-kubernetes-validations} (CEL rules), validation ratcheting on update (upstream lets
 * unchanged invalid values through), ObjectMeta of the resource itself (the API server's generic checks).
 */
public final class Validator {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Validator() {
    }

    /**
     * Everything upstream checks against the schema on create and update of a custom resource, in upstream's
     * order: the OpenAPI schema, embedded resources, then list-type set and map uniqueness.
     */
    public static List<FieldError> validate(JsonNode object, StructuralSchema schema) {
        List<FieldError> errs = new ArrayList<>(validateValue(object, schema, null));
        errs.addAll(validateEmbeddedResources(object, schema));
        errs.addAll(validateListSetsAndMaps(object, schema));
        return errs;
    }

    /**
     * The OpenAPI schema checks only ({@code ValidateCustomResource}), for a value at {@code basePath}: null for a
     * whole object, {@code "status"} for the status subresource validated against {@code properties[status]}.
     */
    public static List<FieldError> validateValue(JsonNode value, StructuralSchema schema, String basePath) {
        return toFieldErrors(new OpenApiValidator(false).validate(value, schema, ""), basePath);
    }

    /** As {@link #validateValue} but reading the schema as {@code ToKubeOpenAPI} does (default validation). */
    static List<FieldError> validateDefault(JsonNode value, StructuralSchema schema, String basePath) {
        return toFieldErrors(new OpenApiValidator(true).validate(value, schema, ""), basePath);
    }

    /**
     * {@code x-kubernetes-embedded-resource} objects below the root: {@code apiVersion} and {@code kind} are
     * required and well-formed, {@code metadata.name}/{@code generateName} are usable as path segments.
     */
    public static List<FieldError> validateEmbeddedResources(JsonNode object, StructuralSchema schema) {
        return EmbeddedResources.validate(null, object, schema, false);
    }

    /** {@code x-kubernetes-list-type: set} items and {@code map} keys are unique ({@code Duplicate value}). */
    public static List<FieldError> validateListSetsAndMaps(JsonNode object, StructuralSchema schema) {
        return ListTypes.validate(null, schema, object);
    }

    /** Upstream's {@code kubeOpenAPIResultToFieldErrors}. */
    static List<FieldError> toFieldErrors(OpenApiValidator.Result result, String fldPath) {
        List<FieldError> out = new ArrayList<>();
        for (OpenApiValidator.Err err : result.errors) {
            if (err.code == null) {
                out.add(FieldError.invalid(fldPath, NODES.textNode(""), err.message));
                continue;
            }
            String errPath = fldPath;
            if (!err.name.isEmpty() && !err.name.equals(".")) {
                String name = err.name.startsWith(".") ? err.name.substring(1) : err.name;
                errPath = fldPath == null ? name : fldPath + "." + name;
            }
            JsonNode value = err.value == null ? NODES.textNode("") : err.value;
            switch (err.code) {
                case REQUIRED:
                    out.add(FieldError.required(errPath, ""));
                    break;
                case ENUM: {
                    List<String> values = new ArrayList<>();
                    for (JsonNode v : err.values) {
                        values.add(v.isTextual() ? v.asText() : GoValues.marshal(v));
                    }
                    out.add(FieldError.notSupported(errPath, err.value == null ? NODES.nullNode() : err.value,
                            values));
                    break;
                }
                case TOO_LONG:
                    out.add(FieldError.tooLong(errPath, err.valid));
                    break;
                case MAX_ITEMS:
                case TOO_MANY_PROPERTIES:
                    out.add(FieldError.tooMany(errPath, err.value.longValue(), err.valid));
                    break;
                case INVALID_TYPE:
                    out.add(FieldError.typeInvalid(errPath, value, err.message));
                    break;
                default:
                    out.add(FieldError.invalid(errPath, value, err.message));
            }
        }
        return out;
    }
}
