package io.quarkube.machinery.apply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Field ownership and server-side apply as pure functions, with the semantics of upstream's field manager
 * (k8s.io/apimachinery {@code util/managedfields}) over structured-merge-diff.
 *
 * <p>{@link #update} is for every write that is not an apply (create, update, patch, subresources): the writer takes
 * the fields it set or changed from everybody else. {@link #apply} is for {@code PATCH} with
 * {@code application/apply-patch+yaml}: the configuration is merged into the live object, the applier owns exactly
 * the fields of its configuration, fields it applied before and no longer applies are removed unless someone else
 * owns them, and changing a field someone else owns is a conflict unless forced.
 *
 * <p>Like upstream, it also:
 * <ul>
 *   <li>never tracks {@code apiVersion}, {@code kind} and the server-set metadata (name, namespace, uid,
 *       resourceVersion, generation, creationTimestamp, managedFields, selfLink);</li>
 *   <li>on a write that carries {@code metadata.managedFields} (main resource only), takes them as the new base, and
 *       clears them for {@code []} or {@code [{}]}; an existing object without managedFields is not tracked by
 *       updates;</li>
 *   <li>on the first apply to an object without managedFields, gives what it holds to {@value #BEFORE_FIRST_APPLY};</li>
 *   <li>keeps at most {@value #MAX_UPDATE_MANAGERS} Update entries, merging the oldest into
 *       {@value #ANCIENT_CHANGES};</li>
 *   <li>for the manager {@code kubectl} (what {@code kubectl apply --server-side} uses), forgives conflicts on fields
 *       whose live value still equals the {@value #LAST_APPLIED_ANNOTATION} annotation (the client-side-apply
 *       upgrade path), and keeps that annotation in step with the applied configuration.</li>
 * </ul>
 *
 * <p>Built-in objects are compared as the API server's Go types hold them (zero values filled in, empty omitempty
 * values dropped), so ownership comes out as upstream's. All managers are assumed to describe fields in the same
 * version: objects are not converted between versions.
 */
public final class FieldManager {

    /** Upstream's cap on Update entries ({@code DefaultMaxUpdateManagers}). */
    public static final int MAX_UPDATE_MANAGERS = 10;
    /** The manager old Update entries are merged into. */
    public static final String ANCIENT_CHANGES = "ancient-changes";
    /** The manager that gets what an object held before its first apply, when it had no managedFields. */
    public static final String BEFORE_FIRST_APPLY = "before-first-apply";
    /** The client-side apply annotation. */
    public static final String LAST_APPLIED_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration";
    /** The manager whose applies upgrade client-side-applied objects ({@code kubectl apply --server-side}). */
    public static final String KUBECTL = "kubectl";
    /** Upstream's {@code FieldManagerMaxLength}. */
    public static final int FIELD_MANAGER_MAX_LENGTH = 128;

    private static final int ANNOTATIONS_SIZE_LIMIT = 256 * 1024;

    /** Fields no manager owns. */
    static final FieldSet STRIPPED = FieldSet.of(
            FieldPath.fields("apiVersion"),
            FieldPath.fields("kind"),
            FieldPath.fields("metadata"),
            FieldPath.fields("metadata", "name"),
            FieldPath.fields("metadata", "namespace"),
            FieldPath.fields("metadata", "creationTimestamp"),
            FieldPath.fields("metadata", "selfLink"),
            FieldPath.fields("metadata", "uid"),
            FieldPath.fields("metadata", "clusterName"),
            FieldPath.fields("metadata", "generation"),
            FieldPath.fields("metadata", "managedFields"),
            FieldPath.fields("metadata", "resourceVersion"));

    private FieldManager() {
    }

    // ------------------------------------------------------------------ update

    /**
     * The managedFields after a write that is not an apply.
     *
     * @param liveBefore  the stored object before the write, or null for a create
     * @param liveAfter   the object about to be stored (its {@code metadata.managedFields}, when present and valid,
     *                    replace the stored ones, except for subresources)
     * @param manager     {@code ?fieldManager=}, or {@link #managerFromUserAgent}; "" becomes "unknown"
     * @param apiVersion  the version of the request, e.g. {@code apps/v1}
     * @param subresource "status", "scale", ... or "" / null for the main resource
     * @param now         the time to record
     * @param schema      the object's schema
     */
    public static ManagedFields update(JsonNode liveBefore, JsonNode liveAfter, String manager, String apiVersion,
                                       String subresource, Instant now, Schema schema) {
        return update(liveBefore, liveAfter, manager, apiVersion, subresource, now, schema, FieldSet.empty());
    }

    /**
     * {@link #update(JsonNode, JsonNode, String, String, String, Instant, Schema)} with fields the write may not own
     * (upstream's reset fields of the resource's strategy, e.g. {@code status} for the main resource of a Deployment
     * and {@code spec} for its status subresource); changes there are ignored.
     */
    public static ManagedFields update(JsonNode liveBefore, JsonNode liveAfter, String manager, String apiVersion,
                                       String subresource, Instant now, Schema schema, FieldSet ignoredFields) {
        Objects.requireNonNull(liveAfter, "liveAfter");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(now, "now");
        String sub = subresource == null ? "" : subresource;
        Managers managed = decodeLiveOrNew(liveBefore, liveAfter, !sub.isEmpty());
        boolean creating = liveBefore == null || liveBefore.path("metadata").path("uid").asText("").isEmpty();
        if (managed.isEmpty() && !creating) {
            return ManagedFields.empty();
        }
        try {
            updateManagers(managed, liveBefore, liveAfter, manager, apiVersion, sub, now, schema, ignoredFields);
            capUpdateManagers(managed);
            return managed.encode();
        } catch (Typed.TypedException e) {
            // upstream's UpdateNoErrors: keep what the object had
            return lenientRead(liveBefore);
        }
    }

    private static Managers decodeLiveOrNew(JsonNode liveBefore, JsonNode liveAfter, boolean subresource) {
        if (!subresource) {
            JsonNode requested = liveAfter.path("metadata").get("managedFields");
            if (ManagedFields.isReset(requested)) {
                return new Managers();
            }
            try {
                ManagedFields mf = ManagedFields.parse(requested);
                if (!mf.isEmpty()) {
                    return Managers.decode(mf);
                }
            } catch (IllegalArgumentException e) {
                // fall back to the stored ones
            }
        }
        return Managers.decode(lenientRead(liveBefore));
    }

    private static ManagedFields lenientRead(JsonNode object) {
        try {
            return ManagedFields.read(object);
        } catch (IllegalArgumentException e) {
            return ManagedFields.empty();
        }
    }

    /** The manager of an update takes what changed; everybody else loses what changed or went away. */
    private static void updateManagers(Managers managed, JsonNode before, JsonNode after, String manager,
                                       String apiVersion, String subresource, Instant now, Schema schema,
                                       FieldSet ignored) {
        ManagerIdentity id = ManagerIdentity.update(manager == null || manager.isEmpty() ? "unknown" : manager,
                apiVersion, subresource);
        // A create compares against the kind's zero object, which is already typed (and shared: never changed).
        JsonNode l = before == null ? schema.typedZeroObject() : typed(before, schema, "live");
        JsonNode r = typed(after, schema, "new");
        Typed.Comparison cmp = Typed.compare(l, r, schema).excluding(ignored);
        FieldSet changed = cmp.modified().union(cmp.added());
        for (Iterator<Map.Entry<ManagerIdentity, VersionedSet>> it = managed.fields.entrySet().iterator();
             it.hasNext(); ) {
            Map.Entry<ManagerIdentity, VersionedSet> e = it.next();
            VersionedSet vs = e.getValue();
            FieldSet s = vs.set().difference(changed).difference(cmp.removed());
            if (s.isEmpty()) {
                it.remove();
            } else {
                e.setValue(vs.with(s));
            }
        }
        FieldSet mine = changed.recursiveDifference(ignored).difference(STRIPPED);
        if (!mine.isEmpty()) {
            VersionedSet previous = managed.fields.get(id);
            FieldSet all = previous == null ? mine : mine.union(previous.set());
            managed.fields.put(id, new VersionedSet(all, apiVersion, false));
            managed.times.put(id, now);
        }
    }

    /** The object as the API server's typed code sees it; throws on values that do not fit the schema. */
    private static JsonNode typed(JsonNode object, Schema schema, String what) {
        // normalize copies every object and list it keeps: only the levels above managedFields need copying here.
        JsonNode v = Typed.normalize(shallowWithoutManagedFields(object), schema);
        List<String> errors = Typed.validate(v, schema, true);
        if (!errors.isEmpty()) {
            throw new Typed.TypedException("failed to create typed " + what + " object: " + Typed.joinErrors(errors));
        }
        return v;
    }

    private static void capUpdateManagers(Managers managed) {
        List<ManagerIdentity> updaters = new ArrayList<>();
        managed.fields.forEach((id, vs) -> {
            if (!vs.applied()) {
                updaters.add(id);
            }
        });
        if (updaters.size() <= MAX_UPDATE_MANAGERS) {
            return;
        }
        updaters.sort((a, b) -> {
            long ta = seconds(managed.times.get(a));
            long tb = seconds(managed.times.get(b));
            return ta != tb ? Long.compare(ta, tb) : a.key().compareTo(b.key());
        });
        Map<String, ManagerIdentity> firstOfVersion = new HashMap<>();
        int length = updaters.size();
        for (int i = 0; i < updaters.size() && length > MAX_UPDATE_MANAGERS; i++) {
            ManagerIdentity m = updaters.get(i);
            VersionedSet vs = managed.fields.get(m);
            Instant time = managed.times.get(m);
            String version = vs.apiVersion();
            ManagerIdentity bucket = ManagerIdentity.update(ANCIENT_CHANGES, version, "");
            ManagerIdentity first = firstOfVersion.get(version);
            if (first != null) {
                if (!managed.fields.containsKey(bucket)) {
                    managed.fields.put(bucket, managed.fields.remove(first));
                }
                managed.fields.put(bucket, new VersionedSet(vs.set().union(managed.fields.get(bucket).set()),
                        vs.apiVersion(), vs.applied()));
                managed.fields.remove(m);
                length--;
                managed.times.put(bucket, time);
            } else {
                firstOfVersion.put(version, m);
            }
        }
    }

    private static long seconds(Instant t) {
        return t == null ? 0 : t.getEpochSecond();
    }

    // ------------------------------------------------------------------ apply

    /**
     * Server-side apply to the main resource.
     *
     * @param live       the stored object, or null when the apply creates it
     * @param applied    the configuration (the request body, decoded); must not carry {@code metadata.managedFields}
     * @param manager    {@code ?fieldManager=} (required for applies; the caller checks it is set)
     * @param force      {@code ?force=true}: take fields over instead of failing with conflicts
     * @param apiVersion the version of the endpoint, e.g. {@code apps/v1}; the configuration must be of it
     * @param now        the time to record
     * @param schema     the object's schema
     * @throws ApplyConflictException when the configuration changes fields others own and {@code force} is false
     * @throws ApplyException         for an invalid configuration (400) or values that do not fit the schema (500)
     */
    public static ApplyResult apply(JsonNode live, JsonNode applied, String manager, boolean force, String apiVersion,
                                    Instant now, Schema schema) {
        return apply(live, applied, manager, force, apiVersion, "", now, schema, FieldSet.empty());
    }

    /**
     * {@link #apply(JsonNode, JsonNode, String, boolean, String, Instant, Schema)} through a subresource
     * ({@code kubectl apply --server-side --subresource=status}) and with fields the applier may not own (the
     * resource strategy's reset fields).
     */
    public static ApplyResult apply(JsonNode live, JsonNode applied, String manager, boolean force, String apiVersion,
                                    String subresource, Instant now, Schema schema, FieldSet ignoredFields) {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(apiVersion, "apiVersion");
        if (applied == null || !applied.isObject()) {
            throw ApplyException.badRequest("error decoding patch: the applied configuration must be an object");
        }
        String sub = subresource == null ? "" : subresource;
        checkKind(live, applied, apiVersion);
        JsonNode appliedManaged = applied.path("metadata").get("managedFields");
        if (appliedManaged != null && !appliedManaged.isNull()) {
            throw ApplyException.badRequest("metadata.managedFields must be nil");
        }
        ManagedFields stored;
        try {
            stored = ManagedFields.read(live);
        } catch (IllegalArgumentException e) {
            throw ApplyException.internal("failed to decode managed fields: " + e.getMessage());
        }
        ObjectNode liveObj = live == null ? Typed.zeroObject(schema) : withoutManagedFields(live);

        Outcome outcome;
        try {
            outcome = applyManagers(Managers.decode(stored), liveObj, applied, manager, force, apiVersion, sub, now,
                    schema, ignoredFields);
        } catch (ApplyConflictException conflicts) {
            if (!KUBECTL.equals(manager)) {
                throw conflicts;
            }
            FieldSet allowed = allowedConflictsFromLastApplied(live, apiVersion, schema);
            if (allowed == null) {
                throw conflicts;
            }
            if (!conflicts.fields().difference(allowed).isEmpty()) {
                List<Conflict> remaining = new ArrayList<>();
                for (Conflict c : conflicts.conflicts()) {
                    if (!allowed.contains(c.path())) {
                        remaining.add(c);
                    }
                }
                throw new ApplyConflictException(remaining);
            }
            outcome = applyManagers(Managers.decode(stored), liveObj, applied, manager, true, apiVersion, sub, now,
                    schema, ignoredFields);
        }

        ObjectNode object = outcome.changed()
                ? (ObjectNode) Typed.stripNulls(Typed.normalize(outcome.object(), schema))
                : (live == null ? liveObj : (ObjectNode) live);
        object = object.deepCopy();
        if (KUBECTL.equals(manager) && lastApplied(object) != null) {
            setLastApplied(object, buildLastApplied(applied));
        }
        ManagedFields mf = outcome.managers().encode();
        mf.writeTo(object);
        boolean changed = live == null
                || !Values.equal(shallowWithoutManagedFields(live), shallowWithoutManagedFields(object));
        return new ApplyResult(object, mf, changed);
    }

    private record Outcome(JsonNode object, Managers managers, boolean changed) {
    }

    private static void checkKind(JsonNode live, JsonNode applied, String apiVersion) {
        String version = applied.path("apiVersion").asText("");
        String kind = applied.path("kind").asText("");
        if (live != null && live.path("kind").isTextual()) {
            if (!version.equals(apiVersion) || !kind.equals(live.get("kind").asText())) {
                throw ApplyException.badRequest("invalid object type: " + gvk(version, kind));
            }
        } else if (!version.equals(apiVersion)) {
            throw ApplyException.badRequest("Incorrect version specified in apply patch. Specified patch version: "
                    + version + ", expected: " + apiVersion);
        }
    }

    /** Go's {@code GroupVersionKind.String()}: {@code apps/v1, Kind=Deployment}, {@code /v1, Kind=Pod}. */
    private static String gvk(String apiVersion, String kind) {
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
        return group + "/" + version + ", Kind=" + kind;
    }

    private static String objectGvkNn(JsonNode o) {
        JsonNode meta = o.path("metadata");
        return meta.path("namespace").asText("") + "/" + meta.path("name").asText("") + "; "
                + gvk(o.path("apiVersion").asText(""), o.path("kind").asText(""));
    }

    private static Outcome applyManagers(Managers managed, ObjectNode liveObj, JsonNode applied, String manager,
                                         boolean force, String apiVersion, String subresource, Instant now,
                                         Schema schema, FieldSet ignored) {
        if (managed.isEmpty()) {
            try {
                updateManagers(managed, Typed.zeroObject(schema), liveObj, BEFORE_FIRST_APPLY, apiVersion,
                        subresource, now, schema, ignored);
            } catch (Typed.TypedException e) {
                throw ApplyException.internal("failed to create manager for existing fields: " + e.getMessage());
            }
            capUpdateManagers(managed);
        }
        ManagerIdentity id = ManagerIdentity.apply(manager, subresource);

        List<String> errors = Typed.validate(applied, schema, false);
        if (!errors.isEmpty()) {
            throw ApplyException.internal("failed to create typed patch object (" + objectGvkNn(applied) + "): "
                    + Typed.joinErrors(errors));
        }
        JsonNode live = Typed.normalize(liveObj, schema);
        errors = Typed.validate(live, schema, true);
        if (!errors.isEmpty()) {
            throw ApplyException.internal("failed to create typed live object (" + objectGvkNn(liveObj) + "): "
                    + Typed.joinErrors(errors));
        }
        try {
            JsonNode merged = Typed.merge(live, applied, schema);
            VersionedSet lastSet = managed.fields.get(id);
            FieldSet set = Typed.toFieldSet(applied, schema).recursiveDifference(ignored);
            managed.fields.put(id, new VersionedSet(set, apiVersion, true));
            JsonNode result = prune(merged, managed, lastSet, schema);

            Typed.Comparison cmp = Typed.compare(live, result, schema).excluding(ignored);
            FieldSet changed = cmp.modified().union(cmp.added());
            Map<ManagerIdentity, FieldSet> conflicts = new LinkedHashMap<>();
            managed.fields.forEach((m, vs) -> {
                if (!m.equals(id)) {
                    FieldSet c = vs.set().intersection(changed);
                    if (!c.isEmpty()) {
                        conflicts.put(m, c);
                    }
                }
            });
            if (!force && !conflicts.isEmpty()) {
                throw ApplyConflictException.of(conflicts);
            }
            for (Iterator<Map.Entry<ManagerIdentity, VersionedSet>> it = managed.fields.entrySet().iterator();
                 it.hasNext(); ) {
                Map.Entry<ManagerIdentity, VersionedSet> e = it.next();
                FieldSet s = e.getValue().set();
                if (!e.getKey().equals(id)) {
                    FieldSet c = conflicts.get(e.getKey());
                    if (c != null) {
                        s = s.difference(c);
                    }
                    s = s.difference(cmp.removed());
                }
                if (s.isEmpty()) {
                    it.remove();
                } else {
                    e.setValue(e.getValue().with(s));
                }
            }
            boolean objectChanged = !Values.equal(live, result);
            VersionedSet mine = managed.fields.get(id);
            if (mine != null) {
                FieldSet s = mine.set().difference(STRIPPED);
                if (s.isEmpty()) {
                    managed.fields.remove(id);
                } else {
                    managed.fields.put(id, mine.with(s));
                }
            }
            if (objectChanged) {
                managed.times.put(id, now);
            }
            return new Outcome(result, managed, objectChanged);
        } catch (Typed.TypedException e) {
            throw ApplyException.internal("failed to merge config: " + e.getMessage());
        }
    }

    /**
     * Removes what the applier applied last time and not now, unless another manager (or the new configuration)
     * owns it; fields nobody ever owned stay.
     */
    private static JsonNode prune(JsonNode merged, Managers managed, VersionedSet lastSet, Schema schema) {
        if (lastSet == null || lastSet.set().isEmpty() || merged == null) {
            return merged;
        }
        FieldSet last = Typed.ensureNamedFieldsAreMembers(lastSet.set(), schema);
        JsonNode pruned = Typed.removeItems(merged, last, schema);

        FieldSet managedAll = FieldSet.empty();
        for (VersionedSet vs : managed.fields.values()) {
            managedAll = managedAll.union(vs.set());
        }
        FieldSet mergedSet = Typed.ensureNamedFieldsAreMembers(Typed.toFieldSet(merged, schema), schema);
        FieldSet prunedSet = Typed.ensureNamedFieldsAreMembers(Typed.toFieldSet(pruned, schema), schema);
        FieldSet owned = Typed.ensureNamedFieldsAreMembers(managedAll, schema);
        pruned = Typed.removeItems(merged, mergedSet.difference(prunedSet.union(owned)), schema);

        prunedSet = Typed.ensureNamedFieldsAreMembers(Typed.toFieldSet(pruned, schema), schema);
        return Typed.removeItems(merged, mergedSet.difference(prunedSet).intersection(last), schema);
    }

    // ------------------------------------------------------------------ client-side apply upgrade

    /**
     * The fields of the last-applied annotation whose live value still equals it: conflicts there are the
     * applier's own earlier client-side applies. Null when the annotation is missing, unreadable or of another
     * version.
     */
    private static FieldSet allowedConflictsFromLastApplied(JsonNode live, String apiVersion, Schema schema) {
        String text = live == null ? null : lastApplied(live);
        if (text == null) {
            return null;
        }
        JsonNode last;
        try {
            last = Values.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
        if (last == null || !last.isObject() || !apiVersion.equals(last.path("apiVersion").asText(""))) {
            return null;
        }
        if (!Typed.validate(last, schema, false).isEmpty()) {
            return null;
        }
        try {
            JsonNode liveTyped = Typed.normalize(live, schema);
            FieldSet set = Typed.toFieldSet(last, schema);
            Typed.Comparison cmp = Typed.compare(last, liveTyped, schema);
            return set.difference(cmp.modified()).difference(cmp.added()).difference(cmp.removed());
        } catch (Typed.TypedException e) {
            return null;
        }
    }

    private static String lastApplied(JsonNode object) {
        JsonNode v = object.path("metadata").path("annotations").get(LAST_APPLIED_ANNOTATION);
        return v != null && v.isTextual() && !v.asText().isEmpty() ? v.asText() : null;
    }

    /** The configuration without its own last-applied annotation, as Go's JSON encoder writes it (with newline). */
    private static String buildLastApplied(JsonNode applied) {
        JsonNode copy = applied.deepCopy();
        if (copy.path("metadata").path("annotations") instanceof ObjectNode annotations) {
            annotations.remove(LAST_APPLIED_ANNOTATION);
        }
        return Values.toGoJson(copy) + "\n";
    }

    private static void setLastApplied(ObjectNode object, String value) {
        JsonNode meta = object.get("metadata");
        ObjectNode m = meta instanceof ObjectNode o ? o : object.putObject("metadata");
        JsonNode a = m.get("annotations");
        ObjectNode annotations = a instanceof ObjectNode o ? o : m.putObject("annotations");
        annotations.put(LAST_APPLIED_ANNOTATION, value);
        long size = 0;
        for (Map.Entry<String, JsonNode> e : annotations.properties()) {
            size += e.getKey().getBytes(StandardCharsets.UTF_8).length
                    + e.getValue().asText().getBytes(StandardCharsets.UTF_8).length;
        }
        if (size > ANNOTATIONS_SIZE_LIMIT) {
            annotations.remove(LAST_APPLIED_ANNOTATION);
        }
    }

    // ------------------------------------------------------------------ helpers

    /**
     * The manager of a write: {@code ?fieldManager=} when given, else the user agent up to its first "/", without
     * unprintable characters and cut at {@value #FIELD_MANAGER_MAX_LENGTH} bytes (e.g. {@code kubectl} for
     * {@code kubectl/v1.32.4 (linux/amd64) kubernetes/abc}).
     */
    public static String managerFromUserAgent(String fieldManager, String userAgent) {
        if (fieldManager != null && !fieldManager.isEmpty()) {
            return fieldManager;
        }
        String ua = userAgent == null ? "" : userAgent;
        int slash = ua.indexOf('/');
        String prefix = slash < 0 ? ua : ua.substring(0, slash);
        StringBuilder sb = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < prefix.length(); ) {
            int cp = prefix.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isISOControl(cp) || !Character.isDefined(cp)) {
                continue;
            }
            int len = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + len > FIELD_MANAGER_MAX_LENGTH) {
                break;
            }
            bytes += len;
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }

    /** The object without metadata.managedFields, sharing everything else with it (so not to be changed). */
    private static JsonNode shallowWithoutManagedFields(JsonNode object) {
        if (!(object instanceof ObjectNode o) || !(o.get("metadata") instanceof ObjectNode meta)
                || !meta.has("managedFields")) {
            return object;
        }
        ObjectNode copy = o.objectNode();
        copy.setAll(o);
        ObjectNode metaCopy = copy.putObject("metadata");
        metaCopy.setAll(meta);
        metaCopy.remove("managedFields");
        return copy;
    }

    private static ObjectNode withoutManagedFields(JsonNode object) {
        ObjectNode copy = object instanceof ObjectNode o ? o.deepCopy() : Values.object();
        if (copy.get("metadata") instanceof ObjectNode meta) {
            meta.remove("managedFields");
        }
        return copy;
    }

    /** One manager's fields, the version they are described in, and whether they were applied. */
    record VersionedSet(FieldSet set, String apiVersion, boolean applied) {
        VersionedSet with(FieldSet s) {
            return new VersionedSet(s, apiVersion, applied);
        }
    }

    /** The working form of managedFields: sets and times by manager identity. */
    static final class Managers {
        final LinkedHashMap<ManagerIdentity, VersionedSet> fields = new LinkedHashMap<>();
        final Map<ManagerIdentity, Instant> times = new HashMap<>();

        static Managers decode(ManagedFields mf) {
            Managers m = new Managers();
            for (ManagedFieldsEntry e : mf.entries()) {
                ManagerIdentity id = e.identity();
                m.fields.put(id, new VersionedSet(e.fieldsV1(), e.apiVersion(),
                        e.operation() == ManagedFieldsEntry.Operation.Apply));
                m.times.put(id, e.time());
            }
            return m;
        }

        boolean isEmpty() {
            return fields.isEmpty();
        }

        ManagedFields encode() {
            List<ManagedFieldsEntry> out = new ArrayList<>();
            fields.forEach((id, vs) -> out.add(new ManagedFieldsEntry(id.manager(),
                    vs.applied() ? ManagedFieldsEntry.Operation.Apply : id.operation(), vs.apiVersion(),
                    times.get(id), vs.set(), id.subresource())));
            return ManagedFields.sorted(out);
        }
    }
}
