package io.quarkube.machinery.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The mutable document a JSON patch works on, addressed the way evanphx/json-patch v4 (upstream's library) does.
 *
 * <p>Quirks kept on purpose because clients see them: a JSON {@code null} on the way to a path counts as missing,
 * array indices may be negative (counted from the end), and a key that is absent reads as {@code null} rather than
 * failing (so "replace" of a missing object member adds it and "test" of a missing member against null passes).
 */
final class PatchDocument {

    /** The parent of the addressed value and the last, decoded pointer token. */
    record Location(JsonNode container, String key) {
    }

    private JsonNode root;

    PatchDocument(JsonNode root) {
        this.root = root;
    }

    JsonNode root() {
        return root;
    }

    void replaceRoot(JsonNode value) {
        root = value;
    }

    /** Resolves all but the last token of a pointer; null when any step is missing or not a container. */
    Location find(String pointer) {
        String[] tokens = pointer.split("/", -1);
        if (tokens.length < 2) {
            return null;
        }
        JsonNode node = root;
        // Like upstream, the first token is skipped whatever it is, so "a/b" addresses "/b".
        for (int i = 1; i < tokens.length - 1; i++) {
            JsonNode next;
            try {
                next = get(node, decode(tokens[i]));
            } catch (PointerError e) {
                return null;
            }
            if (next == null || !next.isContainerNode()) {
                return null;
            }
            node = next;
        }
        return new Location(node, decode(tokens[tokens.length - 1]));
    }

    /** The value at key, or null when absent or JSON null (Go holds both as a nil pointer). */
    static JsonNode get(JsonNode container, String key) {
        if (container.isObject()) {
            JsonNode v = container.get(key);
            return v == null || v.isNull() ? null : v;
        }
        ArrayNode array = (ArrayNode) container;
        int idx = index(key, array.size());
        JsonNode v = array.get(idx);
        return v.isNull() ? null : v;
    }

    static void add(JsonNode container, String key, JsonNode value) {
        if (container.isObject()) {
            ((ObjectNode) container).set(key, value);
            return;
        }
        ArrayNode array = (ArrayNode) container;
        if (key.equals("-")) {
            array.add(value);
            return;
        }
        long parsed;
        try {
            parsed = Long.parseLong(key);
        } catch (NumberFormatException e) {
            throw new PointerError("value was not a proper array index: '" + key + "': " + atoiError(key));
        }
        int size = array.size() + 1;
        if (parsed >= size || parsed < -size) {
            throw invalidIndex(parsed);
        }
        int idx = (int) (parsed < 0 ? parsed + size : parsed);
        array.insert(idx, value);
    }

    /** Overwrites an existing member or element; callers check existence first (as upstream's "replace" does). */
    static void set(JsonNode container, String key, JsonNode value) {
        if (container.isObject()) {
            ((ObjectNode) container).set(key, value);
        } else {
            ArrayNode array = (ArrayNode) container;
            array.set(index(key, array.size()), value);
        }
    }

    static void remove(JsonNode container, String key) {
        if (container.isObject()) {
            if (!container.has(key)) {
                throw new PointerError("Unable to remove nonexistent key: " + key + ": missing value");
            }
            ((ObjectNode) container).remove(key);
            return;
        }
        ArrayNode array = (ArrayNode) container;
        array.remove(index(key, array.size()));
    }

    /** Parses an existing-element index; negative values count from the end. */
    private static int index(String key, int size) {
        long parsed;
        try {
            parsed = Long.parseLong(key);
        } catch (NumberFormatException e) {
            throw new PointerError(atoiError(key));
        }
        if (parsed >= size || parsed < -size) {
            throw invalidIndex(parsed);
        }
        return (int) (parsed < 0 ? parsed + size : parsed);
    }

    private static PointerError invalidIndex(long idx) {
        return new PointerError("Unable to access invalid index: " + idx + ": invalid index referenced");
    }

    private static String atoiError(String key) {
        boolean digits = key.matches("[+-]?[0-9]+");
        return "strconv.Atoi: parsing \"" + key + "\": " + (digits ? "value out of range" : "invalid syntax");
    }

    /** RFC 6901: "~1" becomes "/" before "~0" becomes "~". */
    static String decode(String token) {
        return token.replace("~1", "/").replace("~0", "~");
    }

    static JsonNode orNull(JsonNode value) {
        return value == null ? NullNode.getInstance() : value;
    }

    /** A failed step inside one operation; the operation adds its own prefix, as upstream's messages do. */
    static final class PointerError extends RuntimeException {
        PointerError(String message) {
            super(message, null, false, false);
        }
    }
}
