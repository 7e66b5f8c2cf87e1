package io.quarkube.machinery.patch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Parsing for test literals; single quotes keep JSON readable inside Java strings. */
final class JsonTestSupport {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonTestSupport() {
    }

    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bad test JSON: " + text, e);
        }
    }
}
