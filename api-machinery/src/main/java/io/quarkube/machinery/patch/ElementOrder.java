package io.quarkube.machinery.patch;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkube.machinery.patch.Json.GoType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Ordering of merged lists, as upstream does it: items named by the patch (or by {@code $setElementOrder}) keep the
 * patch's order, items only the server has keep their live order, and the two are interleaved using the live order.
 */
final class ElementOrder {

    /** Merged items split into those the patch names and those only the server has. */
    record Partition(List<JsonNode> patchItems, List<JsonNode> serverOnly) {
    }

    private ElementOrder() {
    }

    static Partition partition(List<JsonNode> merged, List<JsonNode> by, String mergeKey) {
        List<JsonNode> inPatch = new ArrayList<>();
        List<JsonNode> serverOnly = new ArrayList<>();
        for (JsonNode v : merged) {
            boolean found;
            if (mergeKey.isEmpty()) {
                found = by.stream().anyMatch(b -> Json.equal(b, v));
            } else {
                found = indexOfKey(by, mergeKey(v, mergeKey), mergeKey) >= 0;
            }
            (found ? inPatch : serverOnly).add(v);
        }
        return new Partition(inPatch, serverOnly);
    }

    /** Sorts both halves, then merges them; the result keeps the relative order within each half. */
    static List<JsonNode> normalize(Partition p, List<JsonNode> patchOrder, List<JsonNode> serverOrder,
            String mergeKey, GoType kind) {
        List<JsonNode> patch = sort(p.patchItems(), patchOrder, mergeKey, kind);
        List<JsonNode> server = sort(p.serverOnly(), serverOrder, mergeKey, kind);
        return mergeSorted(server, patch, serverOrder, mergeKey, kind);
    }

    /**
     * Stable sort by position in {@code order}. Items missing from it go last (upstream's comparator is undefined
     * for them, but its callers only sort items that are present). Deletion markers go last, as upstream puts them.
     */
    private static List<JsonNode> sort(List<JsonNode> items, List<JsonNode> order, String mergeKey, GoType kind) {
        List<JsonNode> toSort = new ArrayList<>();
        List<JsonNode> toDelete = new ArrayList<>();
        if (kind == GoType.MAP) {
            requireMergeKey(items, mergeKey);
            requireMergeKey(order, mergeKey);
            for (JsonNode v : items) {
                (Directives.isDirective(v, Directives.DELETE) ? toDelete : toSort).add(v);
            }
        } else {
            toSort.addAll(items);
        }
        toSort.sort(Comparator.comparingInt(v -> {
            int i = index(order, v, mergeKey, kind);
            return i < 0 ? Integer.MAX_VALUE : i;
        }));
        toSort.addAll(toDelete);
        return toSort;
    }

    /**
     * Inserts server-only items ({@code left}) among patch items ({@code right}): a left item goes before the first
     * right item that comes after it in the live list; items the live list does not order stay behind.
     */
    private static List<JsonNode> mergeSorted(List<JsonNode> left, List<JsonNode> right, List<JsonNode> serverOrder,
            String mergeKey, GoType kind) {
        List<JsonNode> out = new ArrayList<>(left.size() + right.size());
        int i = 0;
        int j = 0;
        while (i < left.size() || j < right.size()) {
            if (i >= left.size()) {
                out.add(right.get(j++));
            } else if (j >= right.size()) {
                out.add(left.get(i++));
            } else {
                int li = index(serverOrder, left.get(i), mergeKey, kind);
                int ri = index(serverOrder, right.get(j), mergeKey, kind);
                if (li >= 0 && ri >= 0 && li < ri) {
                    out.add(left.get(i++));
                } else {
                    out.add(right.get(j++));
                }
            }
        }
        return out;
    }

    /** Position of an item, compared by merge key for maps and by value otherwise. */
    static int index(List<JsonNode> list, JsonNode item, String mergeKey, GoType kind) {
        if (list == null) {
            return -1;
        }
        for (int i = 0; i < list.size(); i++) {
            boolean same = kind == GoType.MAP
                    ? Json.equal(keyOrNull(list.get(i), mergeKey), keyOrNull(item, mergeKey))
                    : Json.equal(list.get(i), item);
            if (same) {
                return i;
            }
        }
        return -1;
    }

    /** Position of the map whose merge key has the given value; every element must be a map. */
    static int indexOfKey(List<JsonNode> list, JsonNode value, String mergeKey) {
        for (int i = 0; i < list.size(); i++) {
            JsonNode v = list.get(i);
            if (!v.isObject()) {
                throw PatchException.internal("value for key " + i + " is not a map");
            }
            if (Json.equal(v.get(mergeKey), value)) {
                return i;
            }
        }
        return -1;
    }

    /** The merge key of a list element, which must be a map that has it. */
    static JsonNode mergeKey(JsonNode element, String mergeKey) {
        if (!element.isObject()) {
            throw PatchException.internal(Directives.badArgType("map[string]interface {}", element));
        }
        JsonNode v = element.get(mergeKey);
        if (v == null) {
            throw PatchException.internal(Directives.noMergeKey(element, mergeKey));
        }
        return v;
    }

    private static void requireMergeKey(List<JsonNode> list, String mergeKey) {
        if (list != null) {
            list.forEach(v -> mergeKey(v, mergeKey));
        }
    }

    private static JsonNode keyOrNull(JsonNode v, String mergeKey) {
        return v != null && v.isObject() ? v.get(mergeKey) : null;
    }

    /**
     * Checks that the patch list names its items in the same relative order as {@code $setElementOrder} and names
     * no item that list lacks (deletions aside).
     */
    static void validate(List<JsonNode> patchList, List<JsonNode> order, String mergeKey) {
        if (patchList == null || patchList.isEmpty() || order.isEmpty()) {
            return;
        }
        List<JsonNode> kept = new ArrayList<>();
        for (JsonNode v : patchList) {
            if (!mergeKey.isEmpty() && !v.isObject()) {
                throw PatchException.internal(Directives.badArgType("map[string]interface {}", v));
            }
            if (mergeKey.isEmpty() || !Directives.isDirective(v, Directives.DELETE)) {
                kept.add(v);
            }
        }
        int pi = 0;
        int si = 0;
        while (pi < kept.size() && si < order.size()) {
            if (Directives.hasDirective(kept.get(pi))) {
                pi++;
                continue;
            }
            boolean equal = mergeKey.isEmpty()
                    ? Json.equal(kept.get(pi), order.get(si))
                    : Json.equal(mergeKey(kept.get(pi), mergeKey), mergeKey(order.get(si), mergeKey));
            if (equal) {
                pi++;
            }
            si++;
        }
        if (pi < kept.size()) {
            throw PatchException.internal("The order in patch list:\n" + goList(patchList) + "\n doesn't match "
                    + Directives.SET_ELEMENT_ORDER + " list:\n" + goList(order) + "\n");
        }
    }

    private static String goList(List<JsonNode> list) {
        List<String> parts = new ArrayList<>();
        list.forEach(v -> parts.add(Json.goString(v)));
        return "[" + String.join(" ", parts) + "]";
    }
}
