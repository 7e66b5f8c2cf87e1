package io.quarkube.machinery.apply;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The type of a value as server-side apply needs it (structured-merge-diff's {@code schema.Atom}): whether it may be a
 * scalar, a list (with its {@link ListSemantics}) or a map (with its {@link MapType}, named fields for structs and an
 * element type for the other keys). A type may allow several of these at once ("untyped" values).
 *
 * <p>Where to get one:
 * <ul>
 *   <li>{@link #builtIn} / {@link #forObject}: the built-in kinds (every GA group-version, autoscaling/v2,
 *       CustomResourceDefinition, APIService), from upstream's Go types: {@code +listType}/{@code +listMapKey},
 *       {@code +mapType}, {@code +structType}, falling back like upstream's OpenAPI conversion to the patch strategy
 *       (merge with a merge key: map list; merge without: set) and else to atomic lists. For instance container
 *       {@code ports} are keyed by {@code containerPort}+{@code protocol} (protocol defaulting to TCP), service ports
 *       by {@code port}+{@code protocol}, {@code env} by name, {@code volumeMounts} by mountPath, tolerations are
 *       atomic, finalizers a set, ownerReferences keyed by uid, conditions by type, label selectors and node selectors
 *       atomic.</li>
 *   <li>{@link #customResource}: a custom resource, from the CRD version's {@code openAPIV3Schema}
 *       ({@code x-kubernetes-list-type}, {@code x-kubernetes-list-map-keys}, {@code x-kubernetes-map-type},
 *       {@code x-kubernetes-preserve-unknown-fields}), with {@code metadata} typed as ObjectMeta.</li>
 *   <li>{@link #deduced}: no schema: maps are granular, lists atomic (upstream's "deduced" type).</li>
 * </ul>
 *
 * <p>Fields a type does not declare are looked up leniently as {@link #deduced} (upstream would reject them).
 */
public final class Schema {

    /** How Go's JSON encoding writes a struct field of a built-in type; null for schemas not from Go types. */
    record GoField(Omit omit, JsonNode zero) {
    }

    /** When Go leaves a field out: never, when null (pointers), or when empty (omitempty values). */
    enum Omit { NEVER, NULL, EMPTY }

    /** A named field of a struct. */
    record Field(String name, Supplier<Schema> type, JsonNode defaultValue, GoField go) {
    }

    private static final Schema SCALAR = new Schema("scalar", true, null, null, null, Map.of(), null, false);
    private static final Schema UNTYPED_ATOMIC;
    private static final Schema DEDUCED;

    static {
        Lazy<Schema> untypedSelf = new Lazy<>();
        UNTYPED_ATOMIC = new Schema("untyped", true, ListSemantics.atomic(), untypedSelf, MapType.ATOMIC, Map.of(),
                untypedSelf, false);
        untypedSelf.set(UNTYPED_ATOMIC);
        Lazy<Schema> deducedSelf = new Lazy<>();
        DEDUCED = new Schema("deduced", true, ListSemantics.atomic(), () -> UNTYPED_ATOMIC, MapType.GRANULAR, Map.of(),
                deducedSelf, false);
        deducedSelf.set(DEDUCED);
    }

    private final String name;
    private final boolean scalar;
    private final ListSemantics list;
    private final Supplier<Schema> items;
    private final MapType mapType;
    private final Map<String, Field> fields;
    private final Supplier<Schema> elements;
    private final boolean goStruct;
    /** {@link Typed#zeroObject} of this schema, normalized and checked once: read only, shared by every write. */
    private volatile JsonNode typedZero;

    Schema(String name, boolean scalar, ListSemantics list, Supplier<Schema> items, MapType mapType,
           Map<String, Field> fields, Supplier<Schema> elements, boolean goStruct) {
        this.name = name;
        this.scalar = scalar;
        this.list = list;
        this.items = items;
        this.mapType = mapType;
        this.fields = fields;
        this.elements = elements;
        this.goStruct = goStruct;
    }

    // ---- factories

    /** The schema of a built-in kind, e.g. {@code ("apps/v1", "Deployment")}; empty for unknown kinds. */
    public static Optional<Schema> builtIn(String apiVersion, String kind) {
        return Optional.ofNullable(SchemaTable.get().kind(apiVersion, kind));
    }

    /**
     * The schema for an object's {@code apiVersion} and {@code kind}: the built-in one, or for anything else (custom
     * resources without a known schema) {@link #customResource customResource(null)}.
     */
    public static Schema forObject(JsonNode object) {
        if (object != null && object.path("apiVersion").isTextual() && object.path("kind").isTextual()) {
            Optional<Schema> s = builtIn(object.get("apiVersion").asText(), object.get("kind").asText());
            if (s.isPresent()) {
                return s.get();
            }
        }
        return customResource(null);
    }

    /**
     * The schema of a custom resource from its CRD version's {@code schema.openAPIV3Schema} (null: no schema, every
     * field deduced). As upstream does, {@code apiVersion} and {@code kind} are strings and {@code metadata} is the
     * built-in ObjectMeta (labels granular, finalizers a set, ownerReferences keyed by uid, ...), whatever the CRD
     * says about them.
     */
    public static Schema customResource(JsonNode openApiV3Schema) {
        Schema root = openApiV3Schema == null || openApiV3Schema.isNull() ? DEDUCED : fromOpenApiV3(openApiV3Schema);
        Map<String, Field> f = new LinkedHashMap<>(root.fields);
        f.put("apiVersion", new Field("apiVersion", () -> SCALAR, null, null));
        f.put("kind", new Field("kind", () -> SCALAR, null, null));
        f.put("metadata", new Field("metadata", () -> SchemaTable.get().type("meta/v1.ObjectMeta"), null, null));
        return new Schema("custom resource", false, null, null,
                root.mapType == null ? MapType.GRANULAR : root.mapType, Collections.unmodifiableMap(f),
                root.elements, false);
    }

    /**
     * Converts an OpenAPI v3 (structural) schema like upstream's {@code schemaconv}: {@code type: object} with
     * {@code properties} and {@code additionalProperties}, {@code type: array} with {@code items},
     * {@code x-kubernetes-list-type} ({@code atomic}, {@code set}, {@code map} with {@code x-kubernetes-list-map-keys};
     * without it {@code x-kubernetes-patch-strategy: merge} and {@code x-kubernetes-patch-merge-key}; else atomic),
     * {@code x-kubernetes-map-type} ({@code granular}, {@code atomic}) and
     * {@code x-kubernetes-preserve-unknown-fields} (unknown fields deduced). A schema without a type accepts anything.
     */
    public static Schema fromOpenApiV3(JsonNode schema) {
        return OpenApi.convert(schema, false);
    }

    /** No schema: maps granular with deduced values, lists atomic, scalars. */
    public static Schema deduced() {
        return DEDUCED;
    }

    /**
     * The zero object of this kind as the field manager compares a create against (see {@link Typed#zeroObject});
     * computed on first use and shared, so callers must not change it.
     */
    JsonNode typedZeroObject() {
        JsonNode z = typedZero;
        if (z == null) {
            z = Typed.normalize(Typed.zeroObject(this), this);
            typedZero = z;
        }
        return z;
    }

    static Schema scalar() {
        return SCALAR;
    }

    static Schema untypedAtomic() {
        return UNTYPED_ATOMIC;
    }

    // ---- what a type allows

    /** Whether scalar values (string, number, boolean) are allowed. */
    public boolean isScalar() {
        return scalar;
    }

    /** Whether lists are allowed. */
    public boolean isList() {
        return list != null;
    }

    /** Whether maps (objects) are allowed. */
    public boolean isMap() {
        return mapType != null;
    }

    /** The list semantics, or null when lists are not allowed. */
    public ListSemantics listSemantics() {
        return list;
    }

    /** The type of list items ({@link #deduced} when not a list). */
    public Schema items() {
        return items == null ? DEDUCED : items.get();
    }

    /** Granular or atomic, or null when maps are not allowed. */
    public MapType mapType() {
        return mapType;
    }

    /** The declared (struct) fields. */
    public Set<String> fieldNames() {
        return fields.keySet();
    }

    /** Whether {@code name} is a declared (struct) field, rather than a key of a map. */
    public boolean hasField(String name) {
        return fields.containsKey(name);
    }

    /** The type of a key: its declared field, else the map's element type, else {@link #deduced}. */
    public Schema field(String name) {
        Field f = fields.get(name);
        if (f != null) {
            return f.type().get();
        }
        return elements == null ? DEDUCED : elements.get();
    }

    /**
     * Whether a map of this schema may hold {@code name}: a declared field, or any key when it has an element type.
     * Built-in structs answer true for every key (their unknown fields are the decoder's business, not apply's).
     */
    boolean accepts(String name) {
        return goStruct || elements != null || fields.containsKey(name);
    }

    /** The element type of a map for keys that are not declared fields, or null when it declares none. */
    public Schema elements() {
        return elements == null ? null : elements.get();
    }

    /** The default of a declared field (used for missing list-map keys, e.g. a port's protocol), or null. */
    public JsonNode defaultOf(String name) {
        Field f = fields.get(name);
        return f == null ? null : f.defaultValue();
    }

    /**
     * The type at a path of field names (lists are stepped into implicitly), e.g.
     * {@code ["spec", "template", "spec", "containers", "ports"]}.
     */
    public Schema at(List<String> path) {
        Schema s = this;
        for (String name : path) {
            if (s.isList() && !s.isMap()) {
                s = s.items();
            }
            s = s.field(name);
        }
        return s;
    }

    /** {@link #listSemantics()} of the type at a path; null when that is no list. */
    public ListSemantics listSemantics(List<String> path) {
        return at(path).listSemantics();
    }

    /** {@link #mapType()} of the type at a path; null when that is no map. */
    public MapType mapType(List<String> path) {
        return at(path).mapType();
    }

    /** This type with another map type (upstream's {@code x-kubernetes-map-type} on a reference). */
    public Schema withMapType(MapType type) {
        Objects.requireNonNull(type, "type");
        if (mapType == null || mapType == type) {
            return this;
        }
        return new Schema(name + "(" + type.name().toLowerCase() + ")", scalar, list, items, type, fields, elements,
                goStruct);
    }

    Map<String, Field> fields() {
        return fields;
    }

    /** Whether this is a built-in Go struct whose fields know how Go encodes them. */
    boolean goStruct() {
        return goStruct;
    }

    @Override
    public String toString() {
        return "Schema[" + name + "]";
    }

    /** A memoizing supplier; also lets a type refer to itself. */
    static final class Lazy<T> implements Supplier<T> {
        private Supplier<T> source;
        private volatile T value;

        Lazy() {
        }

        Lazy(Supplier<T> source) {
            this.source = source;
        }

        void set(T v) {
            value = v;
        }

        @Override
        public T get() {
            T v = value;
            if (v == null) {
                synchronized (this) {
                    if (value == null) {
                        value = source.get();
                    }
                    v = value;
                }
            }
            return v;
        }
    }

    /** Upstream's OpenAPI → structured-merge-diff conversion (kube-openapi {@code schemaconv}). */
    static final class OpenApi {
        private OpenApi() {
        }

        /**
         * @param preserveUnknown whether the whole schema keeps unknown fields; a node's own
         *     {@code x-kubernetes-preserve-unknown-fields} opens that node only (its unknown fields are deduced), not
         *     the properties it declares, as in structural schemas
         */
        static Schema convert(JsonNode s, boolean preserveUnknown) {
            if (s == null || !s.isObject()) {
                return DEDUCED;
            }
            boolean pu = preserveUnknown || s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
            if (s.path("x-kubernetes-int-or-string").asBoolean(false)) {
                return SCALAR;
            }
            String type = s.path("type").isArray() ? s.path("type").path(0).asText("") : s.path("type").asText("");
            switch (type) {
                case "object":
                    return object(s, pu, preserveUnknown, false);
                case "array":
                    return array(s, preserveUnknown, false);
                case "integer":
                case "number":
                case "string":
                case "boolean":
                    return SCALAR;
                default: {
                    // no type: anything goes (a scalar, a list, a map)
                    Schema m = object(s, pu, preserveUnknown, true);
                    Schema l = array(s, preserveUnknown, true);
                    return new Schema("untyped", true, l.list, l.items, m.mapType, m.fields, m.elements, false);
                }
            }
        }

        private static Schema object(JsonNode s, boolean pu, boolean inherited, boolean untyped) {
            Map<String, Field> fields = new LinkedHashMap<>();
            JsonNode props = s.path("properties");
            for (Map.Entry<String, JsonNode> e : props.properties()) {
                JsonNode prop = e.getValue();
                JsonNode def = prop.get("default");
                fields.put(e.getKey(), new Field(e.getKey(), new Lazy<>(() -> convert(prop, inherited)), def, null));
            }
            if (s.path("x-kubernetes-embedded-resource").asBoolean(false)) {
                // upstream's addEmbeddedProperties: an embedded object has apiVersion, kind and metadata implicitly
                fields.putIfAbsent("apiVersion", new Field("apiVersion", () -> SCALAR, null, null));
                fields.putIfAbsent("kind", new Field("kind", () -> SCALAR, null, null));
                fields.putIfAbsent("metadata", new Field("metadata",
                        () -> SchemaTable.get().type("meta/v1.ObjectMeta"), null, null));
            }
            JsonNode ap = s.get("additionalProperties");
            Supplier<Schema> elements;
            if (ap == null || ap.isNull()) {
                elements = pu || fields.isEmpty() ? () -> DEDUCED : null;
            } else if (ap.isObject()) {
                elements = new Lazy<>(() -> convert(ap, inherited));
            } else if (ap.asBoolean(false)) {
                elements = () -> DEDUCED;
            } else {
                elements = null;
            }
            MapType mt = "atomic".equals(s.path("x-kubernetes-map-type").asText()) ? MapType.ATOMIC : MapType.GRANULAR;
            return new Schema(untyped ? "untyped" : "object", false, null, null, mt,
                    Collections.unmodifiableMap(fields), elements, false);
        }

        private static Schema array(JsonNode s, boolean inherited, boolean untyped) {
            ListSemantics ls = listSemantics(s);
            JsonNode items = s.get("items");
            Supplier<Schema> itemType = items != null && items.isObject()
                    ? new Lazy<>(() -> convert(items, inherited))
                    : () -> UNTYPED_ATOMIC;
            return new Schema(untyped ? "untyped" : "array", false, ls, itemType, null, Map.of(), null, false);
        }

        static ListSemantics listSemantics(JsonNode s) {
            String lt = s.path("x-kubernetes-list-type").asText(null);
            if (lt != null) {
                switch (lt) {
                    case "set":
                        return ListSemantics.set();
                    case "map": {
                        List<String> keys = new ArrayList<>();
                        s.path("x-kubernetes-list-map-keys").forEach(k -> keys.add(k.asText()));
                        return keys.isEmpty() ? ListSemantics.set() : ListSemantics.map(keys);
                    }
                    default:
                        return ListSemantics.atomic();
                }
            }
            String ps = s.path("x-kubernetes-patch-strategy").asText("");
            if (ps.equals("merge") || ps.equals("merge,retainKeys")) {
                String key = s.path("x-kubernetes-patch-merge-key").asText("");
                return key.isEmpty() ? ListSemantics.set() : ListSemantics.map(key);
            }
            return ListSemantics.atomic();
        }
    }
}
