package io.quarkube.machinery.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.stream.Collectors;

/** Test literals: single quotes stand for double quotes so JSON stays readable in Java strings. */
final class TestJson {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private TestJson() {
    }

    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bad test JSON: " + text, e);
        }
    }

    /** JSON taken literally (for strings that contain single quotes). */
    static JsonNode raw(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bad test JSON: " + text, e);
        }
    }

    static StructuralSchema schema(String text) {
        return StructuralSchema.of(json(text));
    }

    static List<String> strings(List<FieldError> errs) {
        return errs.stream().map(FieldError::toString).collect(Collectors.toList());
    }
}
