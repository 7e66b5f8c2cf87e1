package io.quarkube.machinery.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Upstream's {@code objectmeta.Validate}: TypeMeta and the basics of ObjectMeta of
 * {@code x-kubernetes-embedded-resource} objects (and of the root when asked).
 */
final class EmbeddedResources {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern DNS1035 = Pattern.compile("^[a-z]([-a-z0-9]*[a-z0-9])?$");
    private static final String DNS1035_MSG = "a DNS-1035 label must consist of lower case alphanumeric characters or "
            + "'-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "
            + "'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

    private EmbeddedResources() {
    }

    static List<FieldError> validate(String path, JsonNode obj, StructuralSchema s, boolean isResourceRoot) {
        if (isResourceRoot) {
            s = s == null ? new StructuralSchema().withEmbeddedResource() : s.embeddedResource ? s
                    : s.withEmbeddedResource();
        }
        List<FieldError> errs = new ArrayList<>();
        walk(path, obj, s, errs);
        return errs;
    }

    private static void walk(String path, JsonNode x, StructuralSchema s, List<FieldError> errs) {
        if (s == null || x == null) {
            return;
        }
        if (x.isObject()) {
            if (s.embeddedResource) {
                validateEmbeddedResource(path, x, errs);
            }
            for (Map.Entry<String, JsonNode> e : x.properties()) {
                StructuralSchema prop = s.properties.get(e.getKey());
                if (prop != null) {
                    walk(Paths.child(path, e.getKey()), e.getValue(), prop, errs);
                } else if (s.additionalPropertiesAllows != null) {
                    walk(Paths.key(path, e.getKey()), e.getValue(), s.additionalPropertiesSchema, errs);
                }
            }
        } else if (x.isArray()) {
            for (int i = 0; i < x.size(); i++) {
                walk(Paths.index(path, i), x.get(i), s.items, errs);
            }
        }
    }

    private static void validateEmbeddedResource(String path, JsonNode x, List<FieldError> errs) {
        if (!x.has("apiVersion")) {
            errs.add(FieldError.required(Paths.child(path, "apiVersion"), ""));
        }
        if (!x.has("kind")) {
            errs.add(FieldError.required(Paths.child(path, "kind"), ""));
        }
        for (Map.Entry<String, JsonNode> e : x.properties()) {
            JsonNode v = e.getValue();
            switch (e.getKey()) {
                case "apiVersion": {
                    String p = Paths.child(path, "apiVersion");
                    if (!v.isTextual()) {
                        errs.add(FieldError.invalid(p, v, "must be a string"));
                    } else if (v.asText().isEmpty()) {
                        errs.add(FieldError.invalid(p, v, "must not be empty"));
                    } else if (v.asText().chars().filter(c -> c == '/').count() > 1) {
                        errs.add(FieldError.invalid(p, v, "unexpected GroupVersion string: " + v.asText()));
                    }
                    break;
                }
                case "kind": {
                    String p = Paths.child(path, "kind");
                    if (!v.isTextual()) {
                        errs.add(FieldError.invalid(p, v, "must be a string"));
                    } else if (v.asText().isEmpty()) {
                        errs.add(FieldError.invalid(p, v, "must not be empty"));
                    } else {
                        List<String> msgs = dns1035(v.asText().toLowerCase(Locale.ROOT));
                        if (!msgs.isEmpty()) {
                            errs.add(FieldError.invalid(p, v,
                                    "may have mixed case, but should otherwise match: " + String.join(",", msgs)));
                        }
                    }
                    break;
                }
                case "metadata":
                    validateMetadata(Paths.child(path, "metadata"), v, errs);
                    break;
                default:
            }
        }
    }

    private static List<String> dns1035(String value) {
        List<String> errs = new ArrayList<>();
        if (value.length() > 63) {
            errs.add("must be no more than 63 characters");
        }
        if (!DNS1035.matcher(value).matches()) {
            errs.add(DNS1035_MSG);
        }
        return errs;
    }

    /** ObjectMeta decoding and {@code ValidateObjectMeta} with names checked as path segments (the basics). */
    private static void validateMetadata(String path, JsonNode meta, List<FieldError> errs) {
        if (meta.isNull()) {
            return;
        }
        if (!meta.isObject()) {
            errs.add(FieldError.invalid(path, meta, "json: cannot unmarshal " + jsonType(meta)
                    + " into Go value of type v1.ObjectMeta"));
            return;
        }
        for (String f : List.of("name", "generateName", "namespace")) {
            JsonNode v = meta.get(f);
            if (v != null && !v.isNull() && !v.isTextual()) {
                errs.add(FieldError.invalid(path, meta, "json: cannot unmarshal " + jsonType(v)
                        + " into Go struct field ObjectMeta." + f + " of type string"));
                return;
            }
        }
        String name = meta.path("name").asText("");
        if (name.isEmpty()) {
            name = "fakename";
        }
        for (String msg : pathSegmentName(name)) {
            errs.add(FieldError.invalid(Paths.child(path, "name"), NODES.textNode(name), msg));
        }
        String generateName = meta.path("generateName").asText("");
        if (!generateName.isEmpty()) {
            for (String msg : pathSegmentPrefix(generateName)) {
                errs.add(FieldError.invalid(Paths.child(path, "generateName"), NODES.textNode(generateName), msg));
            }
        }
    }

    static List<String> pathSegmentName(String name) {
        if (name.equals(".") || name.equals("..")) {
            return List.of("may not be '" + name + "'");
        }
        return pathSegmentPrefix(name);
    }

    static List<String> pathSegmentPrefix(String name) {
        List<String> errs = new ArrayList<>();
        if (name.contains("/")) {
            errs.add("may not contain '/'");
        }
        if (name.contains("%")) {
            errs.add("may not contain '%'");
        }
        return errs;
    }

    private static String jsonType(JsonNode v) {
        if (v.isTextual()) {
            return "string";
        }
        if (v.isNumber()) {
            return "number";
        }
        if (v.isBoolean()) {
            return "bool";
        }
        if (v.isArray()) {
            return "array";
        }
        return "object";
    }
}
