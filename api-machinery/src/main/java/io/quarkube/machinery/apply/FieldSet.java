package io.quarkube.machinery.apply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An immutable set of field paths: structured-merge-diff's {@code fieldpath.Set}, the value of a managedFields entry's
 * {@code fieldsV1}.
 *
 * <p>The set is a tree. At each level, {@link #members()} are the paths that end there and {@link #children()} lead to
 * deeper paths; an element can be both (its own value is owned and so are fields below it), which {@code fieldsV1}
 * writes as the {@code "."} key. Inserting {@code spec.replicas} does not make {@code spec} a member.
 *
 * <p>Set operations follow upstream exactly: {@link #difference} removes only equal paths (a member {@code a} does not
 * remove {@code a.b}), {@link #recursiveDifference} also removes everything below a removed member.
 */
public final class FieldSet {

    private static final FieldSet EMPTY = new FieldSet(new TreeSet<>(), new TreeMap<>());

    private final NavigableSet<PathElement> members;
    private final NavigableMap<PathElement, FieldSet> children;

    private FieldSet(TreeSet<PathElement> members, TreeMap<PathElement, FieldSet> children) {
        this.members = Collections.unmodifiableNavigableSet(members);
        this.children = Collections.unmodifiableNavigableMap(children);
    }

    public static FieldSet empty() {
        return EMPTY;
    }

    public static FieldSet of(FieldPath... paths) {
        return of(List.of(paths));
    }

    public static FieldSet of(Collection<FieldPath> paths) {
        Builder b = new Builder();
        paths.forEach(b::insert);
        return b.build();
    }

    /**
     * The fields set in an object: every leaf value, every item of an associative list or set (items are owned
     * themselves), atomic lists and maps as a whole, keys of plain maps, and fields whose value is null or {}. This is
     * what an applier owns for the configuration it sends ({@code TypedValue.ToFieldSet}).
     */
    public static FieldSet of(JsonNode object, Schema schema) {
        return Typed.toFieldSet(object, schema);
    }

    /** Parses {@code fieldsV1} JSON text. */
    public static FieldSet parse(String fieldsV1) {
        try {
            return fromJson(Values.STRICT_READER.readTree(fieldsV1));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bad fieldsV1: " + e.getOriginalMessage(), e);
        }
    }

    /** Reads a {@code fieldsV1} object. Keys of unknown element types are dropped, like upstream does. */
    public static FieldSet fromJson(JsonNode fieldsV1) {
        if (fieldsV1 == null || fieldsV1.isNull()) {
            return EMPTY;
        }
        if (!fieldsV1.isObject()) {
            throw new IllegalArgumentException("fieldsV1 must be an object, got " + fieldsV1.getNodeType());
        }
        FieldSet s = read(fieldsV1);
        return s == null ? EMPTY : s;
    }

    /** Returns the children set of a node, or null when the node only marks membership. */
    private static FieldSet read(JsonNode node) {
        TreeSet<PathElement> members = new TreeSet<>();
        TreeMap<PathElement, FieldSet> children = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (e.getKey().equals(".")) {
                continue;
            }
            PathElement pe = PathElement.deserialize(e.getKey());
            if (pe == null) {
                continue;
            }
            JsonNode child = e.getValue();
            if (!child.isObject()) {
                throw new IllegalArgumentException("fieldsV1 value of " + e.getKey() + " must be an object");
            }
            FieldSet grandchildren = read(child);
            boolean member = grandchildren == null || child.has(".");
            if (member) {
                members.add(pe);
            }
            if (grandchildren != null) {
                FieldSet existing = children.get(pe);
                children.put(pe, existing == null ? grandchildren : existing.union(grandchildren));
            }
        }
        if (members.isEmpty() && children.isEmpty()) {
            return null;
        }
        return new FieldSet(members, children);
    }

    /** The {@code fieldsV1} JSON text, byte for byte as upstream writes it. */
    public String toJson() {
        StringBuilder sb = new StringBuilder("{");
        writeContents(sb, false);
        return sb.append('}').toString();
    }

    private void writeContents(StringBuilder sb, boolean includeSelf) {
        int start = sb.length();
        if (includeSelf && !isEmpty()) {
            sb.append("\".\":{}");
        }
        forEachEntry((pe, child, member) -> {
            if (sb.length() > start) {
                sb.append(',');
            }
            Values.writeGoString(sb, pe.serialize());
            sb.append(":{");
            if (child != null) {
                child.writeContents(sb, member);
            }
            sb.append('}');
        });
    }

    /** The {@code fieldsV1} object, keys in upstream's order. */
    public ObjectNode toJsonNode() {
        ObjectNode out = Values.object();
        writeContents(out, false);
        return out;
    }

    private void writeContents(ObjectNode out, boolean includeSelf) {
        if (includeSelf && !isEmpty()) {
            out.putObject(".");
        }
        forEachEntry((pe, child, member) -> {
            ObjectNode node = out.putObject(pe.serialize());
            if (child != null) {
                child.writeContents(node, member);
            }
        });
    }

    /**
     * The {@code fieldsV1} object as nested maps (an empty map per leaf), keys in upstream's order: what a JSON
     * library's untyped decoding of {@link #toJsonNode} gives, without building the tree first.
     */
    public Map<String, Object> toMap() {
        return toMap(false);
    }

    /** This level's map; the empty maps of leaves are one shared immutable map (a create has hundreds of them). */
    private Map<String, Object> toMap(boolean includeSelf) {
        Map<String, Object> out = new LinkedHashMap<>(2 * (members.size() + children.size() + 1));
        if (includeSelf && !isEmpty()) {
            out.put(".", Map.of());
        }
        forEachEntry((pe, child, member) -> out.put(pe.serialize(), child == null ? Map.of() : child.toMap(member)));
        return out;
    }

    /** One key of the {@code fieldsV1} object at one level: a member without children has {@code child} null. */
    private interface EntryConsumer {
        void accept(PathElement pe, FieldSet child, boolean member);
    }

    /**
     * This level's keys in upstream's order, each once: members and children are both sorted, and a member with
     * children of its own is one key (written with its {@code "."}).
     */
    private void forEachEntry(EntryConsumer each) {
        Iterator<PathElement> mi = members.iterator();
        Iterator<Map.Entry<PathElement, FieldSet>> ci = children.entrySet().iterator();
        PathElement m = mi.hasNext() ? mi.next() : null;
        Map.Entry<PathElement, FieldSet> c = ci.hasNext() ? ci.next() : null;
        while (m != null || c != null) {
            int cmp = m == null ? 1 : c == null ? -1 : m.compareTo(c.getKey());
            if (cmp < 0) {
                each.accept(m, null, true);
                m = mi.hasNext() ? mi.next() : null;
            } else {
                each.accept(c.getKey(), c.getValue(), cmp == 0);
                if (cmp == 0) {
                    m = mi.hasNext() ? mi.next() : null;
                }
                c = ci.hasNext() ? ci.next() : null;
            }
        }
    }

    /** Paths ending at this level. */
    public NavigableSet<PathElement> members() {
        return members;
    }

    /** Subsets below this level, never empty. */
    public NavigableMap<PathElement, FieldSet> children() {
        return children;
    }

    public boolean isEmpty() {
        return members.isEmpty() && children.isEmpty();
    }

    /** The number of paths. */
    public int size() {
        int n = members.size();
        for (FieldSet c : children.values()) {
            n += c.size();
        }
        return n;
    }

    /** Whether the path is a member (not merely a prefix of members). */
    public boolean contains(FieldPath path) {
        if (path.isEmpty()) {
            return false;
        }
        FieldSet s = this;
        List<PathElement> p = path.elements();
        for (int i = 0; i < p.size() - 1; i++) {
            s = s.children.get(p.get(i));
            if (s == null) {
                return false;
            }
        }
        return s.members.contains(p.get(p.size() - 1));
    }

    /** The paths below an element, without it. */
    public FieldSet withPrefix(PathElement pe) {
        FieldSet s = children.get(pe);
        return s == null ? EMPTY : s;
    }

    /** This set plus one path. */
    public FieldSet with(FieldPath path) {
        return union(of(path));
    }

    /** Every path, members of a level before the levels below, in element order (upstream's {@code Iterate}). */
    public List<FieldPath> paths() {
        List<FieldPath> out = new ArrayList<>();
        collect(new ArrayList<>(), out);
        return out;
    }

    private void collect(List<PathElement> prefix, List<FieldPath> out) {
        for (PathElement m : members) {
            List<PathElement> p = new ArrayList<>(prefix);
            p.add(m);
            out.add(new FieldPath(p));
        }
        for (Map.Entry<PathElement, FieldSet> c : children.entrySet()) {
            prefix.add(c.getKey());
            c.getValue().collect(prefix, out);
            prefix.remove(prefix.size() - 1);
        }
    }

    public FieldSet union(FieldSet o) {
        if (o.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return o;
        }
        TreeSet<PathElement> m = new TreeSet<>(members);
        m.addAll(o.members);
        TreeMap<PathElement, FieldSet> c = new TreeMap<>(children);
        for (Map.Entry<PathElement, FieldSet> e : o.children.entrySet()) {
            c.merge(e.getKey(), e.getValue(), FieldSet::union);
        }
        return new FieldSet(m, c);
    }

    public FieldSet intersection(FieldSet o) {
        TreeSet<PathElement> m = new TreeSet<>(members);
        m.retainAll(o.members);
        TreeMap<PathElement, FieldSet> c = new TreeMap<>();
        for (Map.Entry<PathElement, FieldSet> e : children.entrySet()) {
            FieldSet other = o.children.get(e.getKey());
            if (other != null) {
                FieldSet r = e.getValue().intersection(other);
                if (!r.isEmpty()) {
                    c.put(e.getKey(), r);
                }
            }
        }
        return m.isEmpty() && c.isEmpty() ? EMPTY : new FieldSet(m, c);
    }

    /** The paths of this set that are not in {@code o}; a member of {@code o} does not remove paths below it. */
    public FieldSet difference(FieldSet o) {
        if (o.isEmpty()) {
            return this;
        }
        TreeSet<PathElement> m = new TreeSet<>(members);
        m.removeAll(o.members);
        TreeMap<PathElement, FieldSet> c = new TreeMap<>();
        for (Map.Entry<PathElement, FieldSet> e : children.entrySet()) {
            FieldSet other = o.children.get(e.getKey());
            FieldSet r = other == null ? e.getValue() : e.getValue().difference(other);
            if (!r.isEmpty()) {
                c.put(e.getKey(), r);
            }
        }
        return m.isEmpty() && c.isEmpty() ? EMPTY : new FieldSet(m, c);
    }

    /** Like {@link #difference}, but a member of {@code o} also removes every path below it. */
    public FieldSet recursiveDifference(FieldSet o) {
        if (o.isEmpty()) {
            return this;
        }
        TreeSet<PathElement> m = new TreeSet<>(members);
        m.removeAll(o.members);
        TreeMap<PathElement, FieldSet> c = new TreeMap<>();
        for (Map.Entry<PathElement, FieldSet> e : children.entrySet()) {
            if (o.members.contains(e.getKey())) {
                continue;
            }
            FieldSet other = o.children.get(e.getKey());
            FieldSet r = other == null ? e.getValue() : e.getValue().recursiveDifference(other);
            if (!r.isEmpty()) {
                c.put(e.getKey(), r);
            }
        }
        return m.isEmpty() && c.isEmpty() ? EMPTY : new FieldSet(m, c);
    }

    /** Only the paths that have no paths below them. */
    public FieldSet leaves() {
        TreeSet<PathElement> m = new TreeSet<>();
        for (PathElement pe : members) {
            if (!children.containsKey(pe)) {
                m.add(pe);
            }
        }
        TreeMap<PathElement, FieldSet> c = new TreeMap<>();
        for (Map.Entry<PathElement, FieldSet> e : children.entrySet()) {
            FieldSet l = e.getValue().leaves();
            if (!l.isEmpty()) {
                c.put(e.getKey(), l);
            }
        }
        return m.isEmpty() && c.isEmpty() ? EMPTY : new FieldSet(m, c);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FieldSet s && members.equals(s.members) && children.equals(s.children);
    }

    @Override
    public int hashCode() {
        return members.size() * 31 + children.keySet().size();
    }

    /** One path a line, like upstream's {@code Set.String}. */
    @Override
    public String toString() {
        List<String> lines = new ArrayList<>();
        for (FieldPath p : paths()) {
            lines.add(p.toString());
        }
        return String.join("\n", lines);
    }

    /** Collects paths; the only mutable form of a set. */
    static final class Builder {
        private final TreeSet<PathElement> members = new TreeSet<>();
        private final TreeMap<PathElement, Builder> children = new TreeMap<>();

        Builder insert(FieldPath path) {
            List<PathElement> p = path.elements();
            if (p.isEmpty()) {
                return this; // nobody owns the whole object
            }
            Builder b = this;
            for (int i = 0; i < p.size() - 1; i++) {
                b = b.children.computeIfAbsent(p.get(i), k -> new Builder());
            }
            b.members.add(p.get(p.size() - 1));
            return this;
        }

        /** The level below {@code pe}, made when missing. */
        Builder child(PathElement pe) {
            Builder b = children.get(pe);
            if (b == null) {
                b = new Builder();
                children.put(pe, b);
            }
            return b;
        }

        /** Adds the path that ends at {@code pe} on this level. */
        void addMember(PathElement pe) {
            members.add(pe);
        }

        FieldSet build() {
            TreeMap<PathElement, FieldSet> c = new TreeMap<>();
            for (Map.Entry<PathElement, Builder> e : children.entrySet()) {
                FieldSet s = e.getValue().build();
                if (!s.isEmpty()) {
                    c.put(e.getKey(), s);
                }
            }
            if (members.isEmpty() && c.isEmpty()) {
                return EMPTY;
            }
            return new FieldSet(new TreeSet<>(members), c);
        }
    }

    /** A set from its parts; package use only (schema-aware operations). */
    static FieldSet make(TreeSet<PathElement> members, TreeMap<PathElement, FieldSet> children) {
        if (members.isEmpty() && children.isEmpty()) {
            return EMPTY;
        }
        return new FieldSet(members, children);
    }
}
