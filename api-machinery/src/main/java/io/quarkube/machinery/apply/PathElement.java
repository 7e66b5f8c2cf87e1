package io.quarkube.machinery.apply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One step of a {@link FieldPath}, as structured-merge-diff's {@code fieldpath.PathElement}: a field of a map or struct
 * ({@code f:}), an item of an associative list selected by its key fields ({@code k:}), an item of a set selected by
 * its value ({@code v:}), or an item selected by position ({@code i:}; upstream never produces it for Kubernetes
 * objects, but reads and writes it).
 *
 * <p>Elements are ordered like upstream: fields before keys before values before indices; fields by name, keys by
 * their sorted (name, value) pairs, values by {@code value.Compare}. The order decides how {@code fieldsV1} is written.
 */
public sealed interface PathElement extends Comparable<PathElement> {

    /** A field of a map or struct. */
    record Field(String name) implements PathElement {
        public Field {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public String toString() {
            return "." + name;
        }
    }

    /** An item of an associative list (list-type map), selected by its key fields, sorted by name. */
    record Key(List<KeyField> fields) implements PathElement {
        public Key {
            List<KeyField> sorted = new ArrayList<>(fields);
            sorted.sort(Comparator.comparing(KeyField::name));
            fields = List.copyOf(sorted);
        }

        /** The value of one key field, or null. */
        public JsonNode get(String name) {
            for (KeyField f : fields) {
                if (f.name().equals(name)) {
                    return f.value();
                }
            }
            return null;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && compareTo(k) == 0;
        }

        @Override
        public int hashCode() {
            // Values too: the items of one list share their key names, so names alone put them all in one bucket.
            int h = 0;
            for (KeyField f : fields) {
                h = 31 * (31 * h + f.name().hashCode()) + Values.hashOfScalar(f.value());
            }
            return h;
        }

        @Override
        public String toString() {
            List<String> parts = new ArrayList<>();
            for (KeyField f : fields) {
                parts.add(f.name() + "=" + Values.toGoString(f.value()));
            }
            return "[" + String.join(",", parts) + "]";
        }
    }

    /** One named value of a {@link Key}. */
    record KeyField(String name, JsonNode value) {
        public KeyField {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    /** An item of a set (list-type set of scalars), selected by its value. */
    record Value(JsonNode value) implements PathElement {
        public Value {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Value v && Values.compare(value, v.value) == 0;
        }

        @Override
        public int hashCode() {
            return value.isNumber() ? Double.hashCode(value.doubleValue()) : value.hashCode();
        }

        @Override
        public String toString() {
            return "[=" + Values.toGoString(value) + "]";
        }
    }

    /** An item selected by position. */
    record Index(int index) implements PathElement {
        @Override
        public String toString() {
            return "[" + index + "]";
        }
    }

    static PathElement field(String name) {
        return new Field(name);
    }

    /** A key from alternating names and values, e.g. {@code key("name", TextNode.valueOf("nginx"))}. */
    static PathElement key(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("must have a value for every name");
        }
        List<KeyField> fields = new ArrayList<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            Object v = namesAndValues[i + 1];
            JsonNode node = v instanceof JsonNode j ? j : Values.MAPPER.valueToTree(v);
            fields.add(new KeyField((String) namesAndValues[i], node));
        }
        return new Key(fields);
    }

    static PathElement value(Object value) {
        return new Value(value instanceof JsonNode j ? j : Values.MAPPER.valueToTree(value));
    }

    static PathElement index(int index) {
        return new Index(index);
    }

    @Override
    default int compareTo(PathElement o) {
        if (this instanceof Field a && o instanceof Field b) {
            return Integer.signum(a.name().compareTo(b.name())); // by far the most compared: first, without ranks
        }
        int rank = rank(this) - rank(o);
        if (rank != 0) {
            return Integer.signum(rank);
        }
        if (this instanceof Field a && o instanceof Field b) {
            return Integer.signum(a.name().compareTo(b.name()));
        }
        if (this instanceof Key a && o instanceof Key b) {
            List<KeyField> l = a.fields();
            List<KeyField> r = b.fields();
            for (int i = 0; ; i++) {
                if (i >= l.size() && i >= r.size()) {
                    return 0;
                }
                if (i >= l.size()) {
                    return -1;
                }
                if (i >= r.size()) {
                    return 1;
                }
                int c = Integer.signum(l.get(i).name().compareTo(r.get(i).name()));
                if (c != 0) {
                    return c;
                }
                c = Values.compare(l.get(i).value(), r.get(i).value());
                if (c != 0) {
                    return c;
                }
            }
        }
        if (this instanceof Value a && o instanceof Value b) {
            return Values.compare(a.value(), b.value());
        }
        return Integer.compare(((Index) this).index(), ((Index) o).index());
    }

    private static int rank(PathElement e) {
        if (e instanceof Field) {
            return 0;
        }
        if (e instanceof Key) {
            return 1;
        }
        if (e instanceof Value) {
            return 2;
        }
        return 3;
    }

    /** The {@code fieldsV1} key of this element, e.g. {@code f:image} or {@code k:{"name":"nginx"}}. */
    default String serialize() {
        StringBuilder sb = new StringBuilder();
        if (this instanceof Field f) {
            sb.append("f:").append(f.name());
        } else if (this instanceof Key k) {
            sb.append("k:{");
            boolean first = true;
            for (KeyField f : k.fields()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                Values.writeGoString(sb, f.name());
                sb.append(':');
                Values.writeGoJson(sb, f.value());
            }
            sb.append('}');
        } else if (this instanceof Value v) {
            sb.append("v:");
            Values.writeGoJson(sb, v.value());
        } else {
            sb.append("i:").append(((Index) this).index());
        }
        return sb.toString();
    }

    /**
     * Parses a {@code fieldsV1} key. Returns null for an unknown element type (upstream drops those, a later version may
     * know them) and throws {@link IllegalArgumentException} for malformed keys.
     */
    static PathElement deserialize(String s) {
        if (s.length() < 2) {
            throw new IllegalArgumentException("key must be 2 characters long: " + s);
        }
        if (s.charAt(1) != ':') {
            throw new IllegalArgumentException("missing colon: " + s);
        }
        String body = s.substring(2);
        switch (s.charAt(0)) {
            case 'f':
                return new Field(body);
            case 'v':
                return new Value(readJson(body, s));
            case 'k': {
                JsonNode obj = readJson(body, s);
                if (!obj.isObject()) {
                    throw new IllegalArgumentException("key element is not an object: " + s);
                }
                List<KeyField> fields = new ArrayList<>();
                for (Map.Entry<String, JsonNode> e : obj.properties()) {
                    fields.add(new KeyField(e.getKey(), e.getValue()));
                }
                return new Key(fields);
            }
            case 'i':
                try {
                    return new Index(Integer.parseInt(body));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad index: " + s, e);
                }
            default:
                return null;
        }
    }

    private static JsonNode readJson(String body, String whole) {
        try {
            JsonNode n = Values.STRICT_READER.readTree(body);
            if (n == null || n.isMissingNode()) {
                throw new IllegalArgumentException("empty path element value: " + whole);
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bad path element " + whole + ": " + e.getOriginalMessage(), e);
        }
    }
}
