package io.quarkube.machinery.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The schema-aware walks of structured-merge-diff's {@code typed} package over Jackson trees: field sets, comparison,
 * merge, item removal, validation, plus the Go round trip ({@link #normalize}) that the API server's typed objects go
 * through. A Java {@code null} is an absent value; {@link NullNode} is an explicit JSON null.
 */
final class Typed {

    private Typed() {
    }

    enum Atom { SCALAR, LIST, MAP }

    /** A value that does not fit its schema (a list item without keys, a duplicate, a wrong type). */
    static final class TypedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TypedException(String message) {
            super(message);
        }
    }

    /** Fields removed, modified and added from one object to another. */
    record Comparison(FieldSet removed, FieldSet modified, FieldSet added) {

        Comparison excluding(FieldSet ignored) {
            if (ignored == null || ignored.isEmpty()) {
                return this;
            }
            return new Comparison(removed.recursiveDifference(ignored), modified.recursiveDifference(ignored),
                    added.recursiveDifference(ignored));
        }

        boolean isSame() {
            return removed.isEmpty() && modified.isEmpty() && added.isEmpty();
        }
    }

    /** Which of the shapes a schema allows applies to a value ({@code deduceAtom} + {@code handleAtom}). */
    static Atom atom(Schema s, JsonNode v) {
        if (v != null && !v.isNull()) {
            if (v.isObject() && s.isMap()) {
                return Atom.MAP;
            }
            if (v.isArray() && s.isList()) {
                return Atom.LIST;
            }
            if (Values.isScalar(v) && s.isScalar()) {
                return Atom.SCALAR;
            }
        }
        if (s.isMap()) {
            return Atom.MAP;
        }
        if (s.isScalar()) {
            return Atom.SCALAR;
        }
        if (s.isList()) {
            return Atom.LIST;
        }
        return Atom.SCALAR;
    }

    /** The path element of a list item: its key for map lists, its value for sets. */
    static PathElement itemElement(Schema list, JsonNode item) {
        ListSemantics ls = list.listSemantics();
        if (ls == null || ls.type() == ListType.ATOMIC) {
            throw new TypedException("invalid indexing of non-associative list");
        }
        if (ls.type() == ListType.MAP) {
            if (item == null || item.isNull()) {
                throw new TypedException("associative list with keys may not have a null element");
            }
            if (!item.isObject()) {
                throw new TypedException("associative list with keys may not have non-map elements");
            }
            Schema element = list.items();
            List<PathElement.KeyField> fields = new ArrayList<>();
            for (String key : ls.keys()) {
                JsonNode v = item.get(key);
                if (v != null) {
                    fields.add(new PathElement.KeyField(key, v));
                } else {
                    JsonNode def = element.defaultOf(key);
                    if (def != null && !def.isNull()) {
                        fields.add(new PathElement.KeyField(key, def));
                    }
                }
            }
            if (fields.isEmpty()) {
                List<String> quoted = new ArrayList<>();
                ls.keys().forEach(k -> quoted.add(Values.goQuote(k)));
                throw new TypedException("associative list with keys has an element that omits all key fields ["
                        + String.join(" ", quoted) + "] (and doesn't have default values for any key fields)");
            }
            return new PathElement.Key(fields);
        }
        if (item == null || item.isNull()) {
            throw new TypedException("associative list without keys has an element that's an explicit null");
        }
        if (item.isObject()) {
            throw new TypedException("associative list without keys has an element that's a map type");
        }
        if (item.isArray()) {
            throw new TypedException("not supported: associative list with lists as elements");
        }
        return new PathElement.Value(item);
    }

    private static ArrayNode asArray(JsonNode v) {
        return v != null && v.isArray() ? (ArrayNode) v : null;
    }

    private static ObjectNode asObject(JsonNode v) {
        return v != null && v.isObject() ? (ObjectNode) v : null;
    }

    /**
     * The path a walk over a value (a field set, a comparison) has reached, holding each set's level for it. A set
     * gets its level when something is first inserted below the path and keeps it for the siblings that follow:
     * inserting every path from the root of its set again (a sorted-map lookup per level, a path list per insert)
     * was most of a create's field tracking.
     */
    private static final class Step {
        private final Step parent;
        private final PathElement element;
        private final FieldSet.Builder[] levels;

        private Step(Step parent, PathElement element, FieldSet.Builder[] levels) {
            this.parent = parent;
            this.element = element;
            this.levels = levels;
        }

        /** The empty path, for the sets being built (each insert names its set by position). */
        static Step root(FieldSet.Builder... sets) {
            return new Step(null, null, sets.clone());
        }

        Step child(PathElement pe) {
            return new Step(this, pe, new FieldSet.Builder[levels.length]);
        }

        /** Adds this path to one of the sets; the empty path (the whole object) is never owned. */
        void insertInto(int set) {
            if (parent != null) {
                parent.level(set).addMember(element);
            }
        }

        private FieldSet.Builder level(int set) {
            FieldSet.Builder b = levels[set];
            if (b == null) {
                b = parent.level(set).child(element);
                levels[set] = b;
            }
            return b;
        }
    }

    // ---------------------------------------------------------------- field sets

    static FieldSet toFieldSet(JsonNode value, Schema schema) {
        FieldSet.Builder b = new FieldSet.Builder();
        if (value != null) {
            toFieldSet(value, schema, Step.root(b));
        }
        return b.build();
    }

    /** The one set {@link #toFieldSet} builds. */
    private static final int SET = 0;

    private static void toFieldSet(JsonNode v, Schema s, Step path) {
        switch (atom(s, v)) {
            case SCALAR -> path.insertInto(SET);
            case LIST -> {
                if (s.listSemantics().type() == ListType.ATOMIC) {
                    path.insertInto(SET);
                    return;
                }
                ArrayNode list = asArray(v);
                if (list == null) {
                    return;
                }
                Set<PathElement> seen = new HashSet<>();
                Set<PathElement> duplicates = new HashSet<>();
                List<PathElement> pes = new ArrayList<>();
                for (JsonNode item : list) {
                    PathElement pe = itemElement(s, item);
                    pes.add(pe);
                    if (!seen.add(pe) && duplicates.add(pe)) {
                        path.child(pe).insertInto(SET);
                    }
                }
                Schema items = s.items();
                for (int i = 0; i < list.size(); i++) {
                    PathElement pe = pes.get(i);
                    if (duplicates.contains(pe)) {
                        continue;
                    }
                    Step p = path.child(pe);
                    toFieldSet(list.get(i), items, p);
                    p.insertInto(SET);
                }
            }
            case MAP -> {
                if (s.mapType() == MapType.ATOMIC) {
                    path.insertInto(SET);
                    return;
                }
                ObjectNode map = asObject(v);
                if (map == null) {
                    return;
                }
                for (Map.Entry<String, JsonNode> e : map.properties()) {
                    JsonNode val = e.getValue();
                    Step p = path.child(new PathElement.Field(e.getKey()));
                    toFieldSet(val, s.field(e.getKey()), p);
                    if (val.isNull() || (val.isObject() && val.isEmpty()) || !s.hasField(e.getKey())) {
                        p.insertInto(SET);
                    }
                }
            }
        }
    }

    /** Adds struct fields that have owned fields below them as members ({@code EnsureNamedFieldsAreMembers}). */
    static FieldSet ensureNamedFieldsAreMembers(FieldSet set, Schema s) {
        if (set.isEmpty()) {
            return set;
        }
        TreeSet<PathElement> members = new TreeSet<>(set.members());
        TreeMap<PathElement, FieldSet> children = new TreeMap<>();
        for (Map.Entry<PathElement, FieldSet> c : set.children().entrySet()) {
            PathElement pe = c.getKey();
            Schema child = Schema.scalar();
            if (pe instanceof PathElement.Field f && s.isMap()) {
                if (s.hasField(f.name())) {
                    members.add(pe);
                }
                child = s.field(f.name());
            } else if (pe instanceof PathElement.Key && s.isList()) {
                child = s.items();
            }
            children.put(pe, ensureNamedFieldsAreMembers(c.getValue(), child));
        }
        return FieldSet.make(members, children);
    }

    // ---------------------------------------------------------------- compare

    static Comparison compare(JsonNode lhs, JsonNode rhs, Schema schema) {
        FieldSet.Builder removed = new FieldSet.Builder();
        FieldSet.Builder modified = new FieldSet.Builder();
        FieldSet.Builder added = new FieldSet.Builder();
        new Comparer().compare(lhs, rhs, schema, Step.root(removed, modified, added)); // REMOVED, MODIFIED, ADDED
        return new Comparison(removed.build(), modified.build(), added.build());
    }

    private static final class Comparer {
        /** The positions of the comparison's sets in its root {@link Step}. */
        static final int REMOVED = 0;
        static final int MODIFIED = 1;
        static final int ADDED = 2;

        void compare(JsonNode l, JsonNode r, Schema s, Step path) {
            if (l != null && l.equals(r)) {
                // Equal values (already validated) differ nowhere below: an update leaves most of an object as it
                // was, and walking the unchanged parts was most of an update's field tracking.
                return;
            }
            Atom al = atom(s, l);
            Atom ar = atom(s, r);
            boolean leaf;
            if (r == null) {
                leaf = handle(al, l, r, s, path);
            } else if (l == null || al == ar) {
                leaf = handle(ar, l, r, s, path);
            } else {
                leaf(l, r, path); // the value changed shape: replaced as a whole
                leaf = true;
            }
            if (!leaf) {
                if (l == null) {
                    path.insertInto(ADDED);
                } else if (r == null) {
                    path.insertInto(REMOVED);
                }
            }
        }

        /** Returns whether the value was compared as a leaf. */
        private boolean handle(Atom a, JsonNode l, JsonNode r, Schema s, Step path) {
            switch (a) {
                case SCALAR:
                    leaf(l, r, path);
                    return true;
                case LIST: {
                    ArrayNode ll = asArray(l);
                    ArrayNode rl = asArray(r);
                    boolean emptyPromote = (ll == null || ll.isEmpty()) && (rl == null || rl.isEmpty());
                    if (s.listSemantics().type() == ListType.ATOMIC || emptyPromote) {
                        leaf(l, r, path);
                        return true;
                    }
                    items(ll, rl, s, path);
                    return false;
                }
                default: {
                    ObjectNode lm = asObject(l);
                    ObjectNode rm = asObject(r);
                    boolean emptyPromote = (lm == null || lm.isEmpty()) && (rm == null || rm.isEmpty());
                    if (s.mapType() == MapType.ATOMIC || emptyPromote) {
                        leaf(l, r, path);
                        return true;
                    }
                    // the keys of both sides, each once (the sets are sorted, so the order of the walk is free)
                    if (lm != null) {
                        for (Map.Entry<String, JsonNode> e : lm.properties()) {
                            String k = e.getKey();
                            compare(e.getValue(), rm == null ? null : rm.get(k), s.field(k),
                                    path.child(new PathElement.Field(k)));
                        }
                    }
                    if (rm != null) {
                        for (Map.Entry<String, JsonNode> e : rm.properties()) {
                            String k = e.getKey();
                            if (lm == null || !lm.has(k)) {
                                compare(null, e.getValue(), s.field(k), path.child(new PathElement.Field(k)));
                            }
                        }
                    }
                    return false;
                }
            }
        }

        private void leaf(JsonNode l, JsonNode r, Step path) {
            if (l == null) {
                path.insertInto(ADDED);
            } else if (r == null) {
                path.insertInto(REMOVED);
            } else if (!Values.equal(l, r)) {
                path.insertInto(MODIFIED);
            }
        }

        private void items(ArrayNode l, ArrayNode r, Schema s, Step path) {
            List<PathElement> all = new ArrayList<>();
            Map<PathElement, List<JsonNode>> lv = byElement(l, s, all, null);
            Map<PathElement, List<JsonNode>> rv = byElement(r, s, all, lv);
            Schema items = s.items();
            for (PathElement pe : all) {
                List<JsonNode> ll = lv.getOrDefault(pe, List.of());
                List<JsonNode> rl = rv.getOrDefault(pe, List.of());
                Step p = path.child(pe);
                if (ll.size() <= 1 && rl.size() <= 1) {
                    compare(ll.isEmpty() ? null : ll.get(0), rl.isEmpty() ? null : rl.get(0), items, p);
                } else if (ll.size() >= 2 && rl.size() >= 2) {
                    boolean same = ll.size() == rl.size();
                    for (int i = 0; same && i < ll.size(); i++) {
                        same = Values.equal(ll.get(i), rl.get(i));
                    }
                    if (!same) {
                        p.insertInto(MODIFIED);
                    }
                } else if (ll.size() >= 2) {
                    if (!rl.isEmpty()) {
                        compare(null, rl.get(0), items, p);
                    }
                    p.insertInto(REMOVED);
                } else {
                    if (!ll.isEmpty()) {
                        compare(ll.get(0), null, items, p);
                    }
                    p.insertInto(ADDED);
                }
            }
        }

        /**
         * A list's items by their path element; elements not seen before (nor in {@code other}) are appended to
         * {@code all} in order.
         */
        private static Map<PathElement, List<JsonNode>> byElement(ArrayNode list, Schema s, List<PathElement> all,
                                                                  Map<PathElement, List<JsonNode>> other) {
            if (list == null || list.isEmpty()) {
                return Map.of();
            }
            Map<PathElement, List<JsonNode>> out = new HashMap<>(list.size() * 2);
            for (JsonNode item : list) {
                PathElement pe = itemElement(s, item);
                List<JsonNode> same = out.get(pe);
                if (same == null) {
                    same = new ArrayList<>(1);
                    out.put(pe, same);
                    if (other == null || !other.containsKey(pe)) {
                        all.add(pe);
                    }
                }
                same.add(item);
            }
            return out;
        }
    }

    // ---------------------------------------------------------------- merge

    /**
     * Merges {@code rhs} (the applied configuration) into {@code lhs} (the live object): scalars, atomic lists and
     * atomic maps are replaced, granular maps merge key by key, associative lists item by item (keeping the
     * configuration's order for shared items, live-only items where they were).
     */
    static JsonNode merge(JsonNode lhs, JsonNode rhs, Schema s) {
        if (lhs == null && rhs == null) {
            return null;
        }
        Atom al = atom(s, lhs);
        Atom ar = atom(s, rhs);
        Atom a;
        if (rhs == null) {
            a = al;
        } else if (lhs == null || al == ar) {
            a = ar;
        } else {
            return rhs;
        }
        switch (a) {
            case SCALAR:
                return rhs != null ? rhs : lhs;
            case LIST: {
                ArrayNode ll = asArray(lhs);
                ArrayNode rl = asArray(rhs);
                boolean emptyPromote = (ll == null || ll.isEmpty()) && (rl == null || rl.isEmpty());
                if (s.listSemantics().type() == ListType.ATOMIC || emptyPromote) {
                    return rhs != null ? rhs : lhs;
                }
                return mergeList(ll, rl, s);
            }
            default: {
                ObjectNode lm = asObject(lhs);
                ObjectNode rm = asObject(rhs);
                boolean emptyPromote = (lm == null || lm.isEmpty()) && (rm == null || rm.isEmpty());
                if (s.mapType() == MapType.ATOMIC || emptyPromote) {
                    return rhs != null ? rhs : lhs;
                }
                ObjectNode out = Values.object();
                Set<String> keys = new LinkedHashSet<>();
                if (lm != null) {
                    lm.fieldNames().forEachRemaining(keys::add);
                }
                if (rm != null) {
                    rm.fieldNames().forEachRemaining(keys::add);
                }
                for (String k : keys) {
                    JsonNode m = merge(lm == null ? null : lm.get(k), rm == null ? null : rm.get(k), s.field(k));
                    if (m != null) {
                        out.set(k, m);
                    }
                }
                return out.isEmpty() ? null : out;
            }
        }
    }

    private static JsonNode mergeList(ArrayNode lhs, ArrayNode rhs, Schema s) {
        List<PathElement> rPEs = new ArrayList<>();
        Map<PathElement, JsonNode> observedR = new HashMap<>();
        if (rhs != null) {
            for (JsonNode item : rhs) {
                PathElement pe = itemElement(s, item);
                if (observedR.containsKey(pe)) {
                    throw new TypedException("duplicate entries for key " + pe);
                }
                observedR.put(pe, item);
                rPEs.add(pe);
            }
        }
        List<PathElement> lPEs = new ArrayList<>();
        Map<PathElement, JsonNode> observedL = new HashMap<>();
        if (lhs != null) {
            for (JsonNode item : lhs) {
                PathElement pe = itemElement(s, item);
                // duplicated live items are not merged with the configuration
                observedL.put(pe, observedL.containsKey(pe) ? NullNode.getInstance() : item);
                lPEs.add(pe);
            }
        }
        Deque<PathElement> sharedOrder = new ArrayDeque<>();
        for (PathElement pe : rPEs) {
            if (observedL.containsKey(pe)) {
                sharedOrder.add(pe);
            }
        }
        PathElement nextShared = sharedOrder.poll();
        Set<PathElement> mergedR = new HashSet<>();
        Schema items = s.items();
        ArrayNode out = Values.array();
        int lI = 0;
        int rI = 0;
        while (lI < lPEs.size() || rI < rPEs.size()) {
            if (lI < lPEs.size() && rI < rPEs.size()) {
                PathElement pe = lPEs.get(lI);
                if (pe.equals(rPEs.get(rI))) {
                    mergedR.add(pe);
                    addIfPresent(out, merge(observedL.get(pe), observedR.get(pe), items));
                    lI++;
                    rI++;
                    nextShared = sharedOrder.poll();
                    continue;
                }
                if (observedR.containsKey(pe) && nextShared != null && !nextShared.equals(pe)) {
                    lI++;
                    continue;
                }
            }
            if (lI < lPEs.size()) {
                PathElement pe = lPEs.get(lI);
                if (!observedR.containsKey(pe)) {
                    addIfPresent(out, merge(lhs.get(lI), null, items));
                    lI++;
                    continue;
                } else if (mergedR.contains(pe)) {
                    lI++;
                }
            }
            if (rI < rPEs.size()) {
                PathElement pe = rPEs.get(rI);
                mergedR.add(pe);
                addIfPresent(out, merge(observedL.get(pe), observedR.get(pe), items));
                rI++;
                if (nextShared != null && nextShared.equals(pe)) {
                    nextShared = sharedOrder.poll();
                }
            }
        }
        return out.isEmpty() ? null : out;
    }

    private static void addIfPresent(ArrayNode out, JsonNode v) {
        if (v != null) {
            out.add(v);
        }
    }

    // ---------------------------------------------------------------- remove

    /** The value without the members of {@code toRemove} (a removed member takes everything below it). */
    static JsonNode removeItems(JsonNode v, FieldSet toRemove, Schema s) {
        if (v == null || toRemove.isEmpty()) {
            return v;
        }
        switch (atom(s, v)) {
            case LIST: {
                ArrayNode list = asArray(v);
                if (list == null || list.isEmpty() || s.listSemantics().type() == ListType.ATOMIC) {
                    return v;
                }
                ArrayNode out = Values.array();
                for (JsonNode item : list) {
                    PathElement pe = itemElement(s, item);
                    if (toRemove.members().contains(pe)) {
                        continue;
                    }
                    FieldSet sub = toRemove.withPrefix(pe);
                    out.add(sub.isEmpty() ? item : removeItems(item, sub, s.items()));
                }
                return out.isEmpty() ? NullNode.getInstance() : out;
            }
            case MAP: {
                ObjectNode map = asObject(v);
                if (map == null || map.isEmpty() || s.mapType() == MapType.ATOMIC) {
                    return v;
                }
                ObjectNode out = Values.object();
                for (Map.Entry<String, JsonNode> e : map.properties()) {
                    PathElement pe = new PathElement.Field(e.getKey());
                    if (toRemove.members().contains(pe)) {
                        continue;
                    }
                    FieldSet sub = toRemove.withPrefix(pe);
                    out.set(e.getKey(), sub.isEmpty() ? e.getValue() : removeItems(e.getValue(), sub,
                            s.field(e.getKey())));
                }
                return out.isEmpty() ? NullNode.getInstance() : out;
            }
            default:
                return v;
        }
    }

    // ---------------------------------------------------------------- validate

    /**
     * Checks a value against its schema like upstream's typed conversion: shapes, list item keys, and (unless
     * allowed) duplicate items. Returns upstream-style messages ({@code .spec.ports: duplicate entries for key
     * [port=80,protocol="TCP"]}); empty when valid.
     */
    static List<String> validate(JsonNode v, Schema s, boolean allowDuplicates) {
        List<String> errors = new ArrayList<>();
        validate(v, s, allowDuplicates, null, errors);
        return errors;
    }

    /**
     * Where a value sits, as upstream prints it ({@code .spec.containers[name="app"].image}); kept as links and
     * written out only for an error: building the string for every value was a third of a create's field tracking.
     */
    private record At(At parent, String field, PathElement key, int index) {
        static At field(At parent, String name) {
            return new At(parent, name, null, -1);
        }

        static At key(At parent, PathElement key) {
            return new At(parent, null, key, -1);
        }

        static At index(At parent, int i) {
            return new At(parent, null, null, i);
        }

        static String render(At at) {
            StringBuilder sb = new StringBuilder();
            render(at, sb);
            return sb.toString();
        }

        private static void render(At at, StringBuilder sb) {
            if (at == null) {
                return;
            }
            render(at.parent, sb);
            if (at.field != null) {
                sb.append('.').append(at.field);
            } else if (at.key != null) {
                sb.append(at.key);
            } else {
                sb.append('[').append(at.index).append(']');
            }
        }
    }

    private static void validate(JsonNode v, Schema s, boolean allowDuplicates, At path, List<String> errors) {
        if (v == null) {
            return;
        }
        switch (atom(s, v)) {
            case SCALAR -> {
                if (!v.isNull() && !Values.isScalar(v)) {
                    errors.add(error(path, "expected any scalar, got " + Values.toGoString(v)));
                }
            }
            case LIST -> {
                if (v.isNull()) {
                    return;
                }
                if (!v.isArray()) {
                    errors.add(error(path, "expected list, got " + Values.toGoString(v)));
                    return;
                }
                ListSemantics ls = s.listSemantics();
                Set<PathElement> observed = ls.type() == ListType.ATOMIC ? null : new HashSet<>();
                for (int i = 0; i < v.size(); i++) {
                    JsonNode item = v.get(i);
                    At itemPath;
                    if (observed == null) {
                        itemPath = At.index(path, i);
                    } else {
                        PathElement pe;
                        try {
                            pe = itemElement(s, item);
                        } catch (TypedException e) {
                            errors.add(error(path, "element " + i + ": " + e.getMessage()));
                            return;
                        }
                        if (!observed.add(pe) && !allowDuplicates) {
                            errors.add(error(path, "duplicate entries for key " + pe));
                        }
                        itemPath = At.key(path, pe);
                    }
                    validate(item, s.items(), allowDuplicates, itemPath, errors);
                }
            }
            case MAP -> {
                if (v.isNull()) {
                    return;
                }
                if (!v.isObject()) {
                    errors.add(error(path, "expected map, got " + Values.toGoString(v)));
                    return;
                }
                for (Map.Entry<String, JsonNode> e : v.properties()) {
                    if (!s.accepts(e.getKey())) {
                        errors.add(error(At.field(path, e.getKey()), "field not declared in schema"));
                        continue;
                    }
                    validate(e.getValue(), s.field(e.getKey()), allowDuplicates, At.field(path, e.getKey()), errors);
                }
            }
        }
    }

    private static String error(At at, String message) {
        String path = At.render(at);
        return path.isEmpty() ? message : path + ": " + message;
    }

    /** Upstream's {@code ValidationErrors.Error()}: one message, or "errors:" and one indented line each. */
    static String joinErrors(List<String> errors) {
        if (errors.size() == 1) {
            return errors.get(0);
        }
        StringBuilder sb = new StringBuilder("errors:");
        for (String e : errors) {
            sb.append("\n  ").append(e);
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- Go round trip

    /**
     * The value as the API server's Go types would hold it after decoding and encoding it again: for fields of
     * built-in structs, zero values of non-omitempty fields are filled in ({@code status: {}}, {@code containers:
     * null}, a container's {@code resources: {}}) and empty omitempty values dropped. Values of other schemas are
     * kept as they are. This makes ownership of built-in objects come out as upstream computes it.
     */
    static JsonNode normalize(JsonNode v, Schema s) {
        if (v == null) {
            return null;
        }
        switch (atom(s, v)) {
            case LIST: {
                if (!v.isArray()) {
                    return v;
                }
                ArrayNode out = Values.array();
                Schema items = s.items();
                for (JsonNode item : v) {
                    out.add(normalize(item, items));
                }
                return out;
            }
            case MAP: {
                if (!v.isObject()) {
                    return v;
                }
                ObjectNode out = Values.object();
                Map<String, Schema.Field> fields = s.fields();
                for (Map.Entry<String, JsonNode> e : v.properties()) {
                    JsonNode val = e.getValue();
                    Schema.Field f = fields.get(e.getKey());
                    if (f != null && f.go() != null) {
                        if (omitted(f.go().omit(), val)) {
                            continue;
                        }
                        JsonNode zero = f.go().zero();
                        if (val.isNull() && zero != null && !zero.isNull()) {
                            val = zero.deepCopy();
                        }
                    }
                    out.set(e.getKey(), normalize(val, s.field(e.getKey())));
                }
                if (s.goStruct()) {
                    for (Schema.Field f : fields.values()) {
                        if (!out.has(f.name()) && f.go() != null && f.go().zero() != null) {
                            out.set(f.name(), normalize(f.go().zero().deepCopy(), f.type().get()));
                        }
                    }
                }
                return out;
            }
            default:
                return v;
        }
    }

    private static boolean omitted(Schema.Omit omit, JsonNode v) {
        switch (omit) {
            case NULL:
                return v.isNull();
            case EMPTY:
                return v.isNull() || (v.isTextual() && v.textValue().isEmpty()) || (v.isBoolean() && !v.booleanValue())
                        || (v.isNumber() && v.doubleValue() == 0) || (v.isContainerNode() && v.isEmpty());
            default:
                return false;
        }
    }

    /** The zero object of a built-in kind as the API server's Go code sees it (e.g. {@code {"spec":{...},"status":{}}}). */
    static ObjectNode zeroObject(Schema s) {
        JsonNode z = normalize(Values.object(), s);
        return z instanceof ObjectNode o ? o : Values.object();
    }

    /** Removes fields whose value is null, recursively (the stored object has no place for them). */
    static JsonNode stripNulls(JsonNode v) {
        if (v instanceof ObjectNode o) {
            List<String> remove = new ArrayList<>();
            for (Map.Entry<String, JsonNode> e : o.properties()) {
                if (e.getValue().isNull()) {
                    remove.add(e.getKey());
                } else {
                    stripNulls(e.getValue());
                }
            }
            o.remove(remove);
        } else if (v instanceof ArrayNode a) {
            a.forEach(Typed::stripNulls);
        }
        return v;
    }
}
