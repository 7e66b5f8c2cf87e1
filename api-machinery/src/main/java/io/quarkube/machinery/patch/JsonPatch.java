package io.quarkube.machinery.patch;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkube.machinery.patch.PatchDocument.Location;
import io.quarkube.machinery.patch.PatchDocument.PointerError;
import java.nio.charset.StandardCharsets;

/**
 * JSON patch ({@code application/json-patch+json}, RFC 6902) as the API server applies it.
 *
 * <p>Upstream runs evanphx/json-patch v4; its messages are reproduced as {@link PatchException#getMessage()}. A patch
 * that is not a list of objects is a 400; an operation that does not apply is a 422 whose Status message is the
 * generic {@link PatchException#INVALID_MESSAGE}, exactly as upstream answers.
 */
public final class JsonPatch {

    /** Upstream's cap on operations in one patch (answered with 413). */
    public static final int MAX_OPERATIONS = 10000;
    /** Upstream's default cap on bytes added by "copy" operations (--json-patch-max-copy-bytes, 3 MiB). */
    public static final long MAX_COPY_BYTES = 3L * 1024 * 1024;

    private static final String MISSING = ": missing value";

    private JsonPatch() {
    }

    /** Returns the patched document; neither argument is modified. */
    public static JsonNode apply(JsonNode target, JsonNode patch) {
        validate(patch);
        if (target == null || target.isMissingNode()) {
            return target;
        }
        if (!target.isContainerNode()) {
            throw PatchException.invalid("json: cannot unmarshal " + Json.jsonTypeWord(target)
                    + " into Go value of type jsonpatch.partialDoc");
        }
        PatchDocument doc = new PatchDocument(target.deepCopy());
        long[] copied = {0};
        for (JsonNode op : patch) {
            String kind = text(op.get("op"));
            try {
                switch (kind == null ? "unknown" : kind) {
                    case "add" -> add(doc, op);
                    case "remove" -> remove(doc, op);
                    case "replace" -> replace(doc, op);
                    case "move" -> move(doc, op);
                    case "copy" -> copy(doc, op, copied);
                    case "test" -> test(doc, op);
                    default -> throw new PointerError("Unexpected kind: " + (kind == null ? "unknown" : kind));
                }
            } catch (PointerError e) {
                throw PatchException.invalid(e.getMessage());
            }
        }
        return doc.root();
    }

    private static void validate(JsonNode patch) {
        if (patch == null || !patch.isArray()) {
            String word = patch == null ? "null" : Json.jsonTypeWord(patch);
            throw PatchException.badRequest(
                    "json: cannot unmarshal " + word + " into Go value of type jsonpatch.Patch");
        }
        for (JsonNode op : patch) {
            if (!op.isObject() && !op.isNull()) {
                throw PatchException.badRequest("json: cannot unmarshal " + Json.jsonTypeWord(op)
                        + " into Go value of type jsonpatch.Operation");
            }
        }
        if (patch.size() > MAX_OPERATIONS) {
            throw PatchException.tooLarge("The allowed maximum operations in a JSON patch is " + MAX_OPERATIONS
                    + ", got " + patch.size());
        }
    }

    private static void add(PatchDocument doc, JsonNode op) {
        String path = field(op, "path", "add operation failed to decode path" + MISSING, null);
        Location at = doc.find(path);
        if (at == null) {
            throw new PointerError("add operation does not apply: doc is missing path: \"" + path + "\"" + MISSING);
        }
        try {
            PatchDocument.add(at.container(), at.key(), value(op));
        } catch (PointerError e) {
            throw new PointerError("error in add for path: '" + path + "': " + e.getMessage());
        }
    }

    private static void remove(PatchDocument doc, JsonNode op) {
        String path = field(op, "path", "remove operation failed to decode path" + MISSING, null);
        Location at = doc.find(path);
        if (at == null) {
            throw new PointerError("remove operation does not apply: doc is missing path: \"" + path + "\"" + MISSING);
        }
        try {
            PatchDocument.remove(at.container(), at.key());
        } catch (PointerError e) {
            throw new PointerError("error in remove for path: '" + path + "': " + e.getMessage());
        }
    }

    private static void replace(PatchDocument doc, JsonNode op) {
        String path = field(op, "path", null, "replace operation failed to decode path: ");
        if (path.isEmpty()) {
            JsonNode value = op.get("value");
            if (value == null || !value.isContainerNode()) {
                throw new PointerError("replace operation value must be object or array");
            }
            doc.replaceRoot(value.deepCopy());
            return;
        }
        Location at = doc.find(path);
        if (at == null) {
            throw new PointerError("replace operation does not apply: doc is missing path: " + path + MISSING);
        }
        try {
            PatchDocument.get(at.container(), at.key());
        } catch (PointerError e) {
            throw new PointerError("replace operation does not apply: doc is missing key: " + path + MISSING);
        }
        PatchDocument.set(at.container(), at.key(), value(op));
    }

    private static void move(PatchDocument doc, JsonNode op) {
        String from = field(op, "from", null, "move operation failed to decode from: ");
        Location source = doc.find(from);
        if (source == null) {
            throw new PointerError("move operation does not apply: doc is missing from path: " + from + MISSING);
        }
        JsonNode value;
        try {
            value = PatchDocument.get(source.container(), source.key());
            PatchDocument.remove(source.container(), source.key());
        } catch (PointerError e) {
            throw new PointerError("error in move for path: '" + source.key() + "': " + e.getMessage());
        }
        String path = field(op, "path", null, "move operation failed to decode path: ");
        Location target = doc.find(path);
        if (target == null) {
            throw new PointerError("move operation does not apply: doc is missing destination path: " + path + MISSING);
        }
        try {
            PatchDocument.add(target.container(), target.key(), PatchDocument.orNull(value));
        } catch (PointerError e) {
            throw new PointerError("error in move for path: '" + path + "': " + e.getMessage());
        }
    }

    private static void copy(PatchDocument doc, JsonNode op, long[] copied) {
        String from = field(op, "from", null, "copy operation failed to decode from: ");
        Location source = doc.find(from);
        if (source == null) {
            throw new PointerError("copy operation does not apply: doc is missing from path: " + from + MISSING);
        }
        JsonNode value;
        try {
            value = PatchDocument.orNull(PatchDocument.get(source.container(), source.key()));
        } catch (PointerError e) {
            throw new PointerError("error in copy for from: '" + from + "': " + e.getMessage());
        }
        String path = field(op, "path", "copy operation failed to decode path" + MISSING, null);
        Location target = doc.find(path);
        if (target == null) {
            throw new PointerError("copy operation does not apply: doc is missing destination path: " + path + MISSING);
        }
        // The limit stops a short patch from multiplying a document's size by copying it into itself.
        copied[0] += value.toString().getBytes(StandardCharsets.UTF_8).length;
        if (copied[0] > MAX_COPY_BYTES) {
            throw new PointerError("Unable to complete the copy, the accumulated size increase of copy is " + copied[0]
                    + ", exceeding the limit " + MAX_COPY_BYTES);
        }
        try {
            PatchDocument.add(target.container(), target.key(), value.deepCopy());
        } catch (PointerError e) {
            throw new PointerError("error while adding value during copy: " + e.getMessage());
        }
    }

    private static void test(PatchDocument doc, JsonNode op) {
        String path = field(op, "path", null, "test operation failed to decode path: ");
        JsonNode expected = op.get("value");
        if (path.isEmpty()) {
            if (expected == null || !Json.equal(doc.root(), expected)) {
                throw new PointerError("testing value " + path + " failed: test failed");
            }
            return;
        }
        Location at = doc.find(path);
        if (at == null) {
            throw new PointerError("test operation does not apply: is missing path: " + path + MISSING);
        }
        JsonNode actual;
        try {
            actual = PatchDocument.get(at.container(), at.key());
        } catch (PointerError e) {
            throw new PointerError("error in test for path: '" + path + "': " + e.getMessage());
        }
        boolean expectNull = expected == null || expected.isNull();
        // Upstream treats an absent member, a JSON null and an omitted "value" alike.
        boolean ok = actual == null ? expectNull : expected != null && Json.equal(actual, expected);
        if (!ok) {
            throw new PointerError("testing value " + path + " failed: test failed");
        }
    }

    /**
     * Reads "path" or "from". Upstream words a bad field differently per operation: some report a fixed message
     * ({@code fixed}), others prefix the decoder's error ({@code prefix}).
     */
    private static String field(JsonNode op, String name, String fixed, String prefix) {
        JsonNode v = op.get(name);
        if (v != null && v.isTextual()) {
            return v.asText();
        }
        if (fixed != null) {
            throw new PointerError(fixed);
        }
        String cause = v == null || v.isNull()
                ? ("path".equals(name) ? "operation missing path field" : "operation, missing from field") + MISSING
                : "json: cannot unmarshal " + Json.jsonTypeWord(v) + " into Go value of type string";
        throw new PointerError(prefix + cause);
    }

    private static JsonNode value(JsonNode op) {
        JsonNode v = op.get("value");
        return v == null ? PatchDocument.orNull(null) : v.deepCopy();
    }

    private static String text(JsonNode v) {
        return v != null && v.isTextual() ? v.asText() : null;
    }
}
