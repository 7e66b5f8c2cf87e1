package io.quarkube.machinery.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * JSON merge patch ({@code application/merge-patch+json}, RFC 7386) as the API server applies it.
 *
 * <p>Upstream uses evanphx/json-patch v4 {@code MergePatch}; where it departs from the RFC we follow it: a patch that
 * is {@code null} or a scalar is rejected with 400 "Invalid JSON Patch" (the RFC would return the patch), and nulls are
 * pruned from patch subtrees that land where the target had nothing mergeable.
 */
public final class JsonMergePatch {

    private JsonMergePatch() {
    }

    /** Returns the patched document; neither argument is modified. */
    public static JsonNode apply(JsonNode target, JsonNode patch) {
        if (patch == null || patch.isNull() || patch.isMissingNode() || patch.isValueNode()) {
            throw PatchException.badRequest("Invalid JSON Patch");
        }
        if (target == null || target.isNull() || target.isMissingNode()) {
            // Upstream's ErrBadJSONDoc is not mapped to a Status, so it surfaces as an internal error.
            throw PatchException.internal("Invalid JSON Document");
        }
        JsonNode p = patch.deepCopy();
        if (p.isArray()) {
            return pruneNulls(p);
        }
        if (!target.isObject()) {
            return pruneNulls(p);
        }
        ObjectNode doc = (ObjectNode) target.deepCopy();
        mergeObjects(doc, (ObjectNode) p);
        return doc;
    }

    private static JsonNode merge(JsonNode current, JsonNode patch) {
        if (!current.isObject()) {
            return pruneNulls(patch);
        }
        if (!patch.isObject()) {
            // Upstream takes a non-object patch value verbatim here, nulls inside arrays included.
            return patch;
        }
        mergeObjects((ObjectNode) current, (ObjectNode) patch);
        return current;
    }

    private static void mergeObjects(ObjectNode doc, ObjectNode patch) {
        patch.fields().forEachRemaining(e -> {
            String key = e.getKey();
            JsonNode value = e.getValue();
            JsonNode current = doc.get(key);
            if (value.isNull()) {
                doc.remove(key);
            } else if (current == null || current.isNull()) {
                doc.set(key, pruneNulls(value));
            } else {
                doc.set(key, merge(current, value));
            }
        });
    }

    /** Drops null members of objects at any depth; null array elements stay, as upstream keeps them. */
    private static JsonNode pruneNulls(JsonNode node) {
        if (node.isObject()) {
            ObjectNode o = (ObjectNode) node;
            for (String key : Json.fieldNames(o)) {
                if (o.get(key).isNull()) {
                    o.remove(key);
                } else {
                    pruneNulls(o.get(key));
                }
            }
        } else if (node.isArray()) {
            node.forEach(JsonMergePatch::pruneNulls);
        }
        return node;
    }
}
