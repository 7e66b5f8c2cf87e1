package io.quarkube.machinery.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.machinery.patch.Json.GoType;
import java.util.ArrayList;
import java.util.List;

/**
 * The recursive part of strategic merge patch (upstream's mergeMap and mergeSlice with the server's options: parallel
 * lists are merged and nulls that match nothing are ignored). Works in place on private copies of both documents.
 */
final class StrategicMerger {

    private final PatchMeta meta;

    StrategicMerger(PatchMeta meta) {
        this.meta = meta;
    }

    ObjectNode mergeMap(ObjectNode original, ObjectNode patch, List<String> path) {
        if (patch.has(Directives.PATCH)) {
            return Directives.applyMapDirective(patch);
        }
        Directives.applyRetainKeys(original, patch);
        applyElementOrders(original, patch, path);
        for (String k : Json.fieldNames(patch)) {
            mergeField(original, k, patch.get(k), path);
        }
        return original;
    }

    private void mergeField(ObjectNode original, String patchKey, JsonNode patchV, List<String> path) {
        boolean deleteList = patchKey.startsWith(Directives.DELETE_FROM_PRIMITIVE_LIST);
        String key = deleteList ? Directives.extractKey(patchKey, Directives.DELETE_FROM_PRIMITIVE_LIST) : patchKey;
        if (patchV.isNull()) {
            // Upstream deletes the field even when the null came in a $deleteFromPrimitiveList key.
            original.remove(key);
            return;
        }
        JsonNode origV = original.get(key);
        GoType type = Json.goType(origV);
        if (origV == null || type != Json.goType(patchV)) {
            if (!deleteList) {
                putCleaned(original, key, patchV);
            }
            return;
        }
        List<String> fieldPath = append(path, key);
        if (type == GoType.MAP) {
            if (meta.lookup(fieldPath).strategy() == PatchStrategy.REPLACE) {
                putCleaned(original, key, patchV);
            } else {
                original.set(key, mergeMap((ObjectNode) origV, (ObjectNode) patchV, fieldPath));
            }
        } else if (type == GoType.SLICE) {
            original.set(key, mergeList(origV, patchV, fieldPath, meta.lookup(fieldPath), deleteList, null));
        } else {
            putCleaned(original, key, patchV);
        }
    }

    private static void putCleaned(ObjectNode target, String key, JsonNode value) {
        JsonNode cleaned = Directives.clean(value);
        if (cleaned == null) {
            target.remove(key);
        } else {
            target.set(key, cleaned);
        }
    }

    /**
     * A list field: merged when tagged merge (or for a deletion list), else replaced by the patch's list.
     *
     * @param goView when not null, a copy of the original list that is updated the way upstream's Go slice of the
     *               original list silently is: upstream deletes and appends in place, so the slice it later uses as
     *               the live order for {@code $setElementOrder} sees deletions shifted in and new items written over
     *               the tail. Reproducing this keeps list order identical to upstream's.
     */
    ArrayNode mergeList(JsonNode original, JsonNode patch, List<String> path, FieldPatchMeta fm, boolean deleteList,
            List<JsonNode> goView) {
        if (fm.strategy() != PatchStrategy.MERGE && !deleteList) {
            return (ArrayNode) Directives.clean(patch);
        }
        List<JsonNode> orig = Json.elements(original);
        List<JsonNode> items = Json.elements(patch);
        if (orig.isEmpty() && items.isEmpty()) {
            return (ArrayNode) original;
        }
        GoType kind = elementType(orig, items);
        String mergeKey = fm.mergeKey();
        List<JsonNode> merged;
        // The live order new items are placed against: the original list after deletions but before the patch's new
        // items are appended (upstream orders against its original slice, whose length the appends do not change),
        // so that a new item the live list does not know goes before the server-only items after it, as upstream.
        List<JsonNode> serverOrder = orig;
        if (kind != GoType.MAP) {
            if (deleteList) {
                orig.removeIf(v -> items.stream().anyMatch(d -> Json.equal(d, v)));
                return toArray(orig);
            }
            merged = new ArrayList<>();
            for (JsonNode v : concat(orig, items)) {
                if (merged.stream().noneMatch(m -> Json.equal(m, v))) {
                    merged.add(v);
                }
            }
        } else {
            if (mergeKey.isEmpty()) {
                throw PatchException.internal("cannot merge lists without merge key for " + String.join(".", path));
            }
            boolean replace = applyListDirectives(orig, items, mergeKey, goView);
            if (replace) {
                orig.replaceAll(Directives::clean);
                items.clear();
            }
            serverOrder = new ArrayList<>(orig);
            merged = mergeByKey(orig, items, mergeKey, path);
            for (int i = 0; !replace && goView != null && i < Math.min(goView.size(), merged.size()); i++) {
                goView.set(i, merged.get(i));
            }
        }
        ElementOrder.Partition p = ElementOrder.partition(merged, items, mergeKey);
        return toArray(ElementOrder.normalize(p, items, serverOrder, mergeKey, kind));
    }

    /**
     * Handles {@code $patch} elements of a list of maps: "delete" removes matching entries from {@code orig},
     * "replace" makes the rest of the patch the whole list (moved into {@code orig}, returns true). Directive
     * elements are taken out of {@code items}.
     */
    private static boolean applyListDirectives(List<JsonNode> orig, List<JsonNode> items, String mergeKey,
            List<JsonNode> goView) {
        boolean replace = false;
        List<JsonNode> rest = new ArrayList<>();
        for (JsonNode v : items) {
            if (!v.has(Directives.PATCH)) {
                rest.add(v);
            } else if (Directives.isDirective(v, Directives.DELETE)) {
                JsonNode key = v.get(mergeKey);
                if (key == null) {
                    throw PatchException.internal(Directives.noMergeKey(v, mergeKey));
                }
                int i;
                while ((i = ElementOrder.indexOfKey(orig, key, mergeKey)) >= 0) {
                    for (int k = i; goView != null && k < orig.size() - 1; k++) {
                        goView.set(k, goView.get(k + 1));
                    }
                    orig.remove(i);
                }
            } else if (Directives.isDirective(v, Directives.REPLACE)) {
                replace = true;
            } else if (Directives.isDirective(v, Directives.MERGE)) {
                throw PatchException.internal("merging lists cannot yet be specified in the patch");
            } else {
                throw PatchException.internal(Directives.badPatchType(v.get(Directives.PATCH), v));
            }
        }
        items.clear();
        items.addAll(rest);
        if (replace) {
            orig.clear();
            orig.addAll(rest);
        }
        return replace;
    }

    /** Merges each patch element into the original element with the same key, or appends it. */
    private List<JsonNode> mergeByKey(List<JsonNode> orig, List<JsonNode> items, String mergeKey, List<String> path) {
        for (JsonNode v : items) {
            JsonNode key = v.get(mergeKey);
            if (key == null) {
                throw PatchException.internal(Directives.noMergeKey(v, mergeKey));
            }
            int i = ElementOrder.indexOfKey(orig, key, mergeKey);
            if (i >= 0) {
                orig.set(i, mergeMap((ObjectNode) orig.get(i), (ObjectNode) v, path));
            } else {
                orig.add(Directives.clean(v));
            }
        }
        return orig;
    }

    /**
     * {@code $setElementOrder/<field>}: merges that field now and orders it as the directive says, leaving unnamed
     * server-side items where the live order puts them. kubectl apply and set image send it.
     */
    private void applyElementOrders(ObjectNode original, ObjectNode patch, List<String> path) {
        for (String k : Json.fieldNames(patch)) {
            if (!k.startsWith(Directives.SET_ELEMENT_ORDER)) {
                continue;
            }
            JsonNode order = patch.remove(k);
            if (!order.isArray()) {
                throw PatchException.internal(Directives.badArgType("[]interface {}", order));
            }
            String key = Directives.extractKey(k, Directives.SET_ELEMENT_ORDER);
            JsonNode origList = requireList(original.get(key));
            JsonNode patchList = requireList(patch.get(key));
            List<String> fieldPath = append(path, key);
            FieldPatchMeta fm = meta.lookup(fieldPath);
            List<JsonNode> orderItems = Json.elements(order);
            List<JsonNode> origItems = origList == null ? List.of() : Json.elements(origList);
            List<JsonNode> patchItems = patchList == null ? List.of() : Json.elements(patchList);
            ElementOrder.validate(patchItems, orderItems, fm.mergeKey());
            List<JsonNode> liveOrder = new ArrayList<>(origItems);
            List<JsonNode> merged;
            if (origList == null && patchList == null) {
                continue;
            } else if (patchList == null) {
                merged = origItems;
            } else if (origList == null) {
                merged = Json.elements(Directives.clean(patchList));
            } else {
                merged = Json.elements(mergeList(origList, patchList, fieldPath, fm, false, liveOrder));
            }
            ElementOrder.Partition p = ElementOrder.partition(merged, orderItems, fm.mergeKey());
            GoType kind = elementType(liveOrder, patchItems);
            original.set(key, toArray(ElementOrder.normalize(p, orderItems, liveOrder, fm.mergeKey(), kind)));
            patch.remove(key);
        }
    }

    private static JsonNode requireList(JsonNode v) {
        if (v != null && !v.isArray()) {
            throw PatchException.internal(Directives.badArgType("[]interface {}", v));
        }
        return v;
    }

    /** The one Go type all elements share; lists of lists are refused (422), as upstream cannot merge them. */
    static GoType elementType(List<JsonNode> a, List<JsonNode> b) {
        GoType type = null;
        for (JsonNode v : concat(a, b)) {
            GoType t = Json.goType(v);
            if (type == null) {
                if (t == GoType.SLICE) {
                    throw PatchException.invalid("lists of lists are not supported");
                }
                type = t;
            } else if (type != t) {
                throw PatchException.internal("list element types are not identical: ["
                        + Json.goString(toArray(a)) + " " + Json.goString(toArray(b)) + "]");
            }
        }
        if (type == null) {
            throw PatchException.internal("no elements in any of the given slices");
        }
        return type;
    }

    private static List<JsonNode> concat(List<JsonNode> a, List<JsonNode> b) {
        List<JsonNode> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static ArrayNode toArray(List<JsonNode> items) {
        ArrayNode a = Json.NODES.arrayNode(items.size());
        a.addAll(items);
        return a;
    }

    private static List<String> append(List<String> path, String key) {
        List<String> out = new ArrayList<>(path.size() + 1);
        out.addAll(path);
        out.add(key);
        return out;
    }
}
