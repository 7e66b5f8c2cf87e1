package io.quarkube.machinery.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * An object's {@code metadata.managedFields}: read from and written to JSON, in upstream's order (Apply entries before
 * Update entries, then by time in seconds, manager, apiVersion, subresource).
 */
public record ManagedFields(List<ManagedFieldsEntry> entries) {

    private static final ManagedFields EMPTY = new ManagedFields(List.of());

    /** Upstream's order of encoded entries. */
    public static final Comparator<ManagedFieldsEntry> ORDER = Comparator
            .comparing((ManagedFieldsEntry e) -> e.operation().name())
            .thenComparingLong(e -> e.time() == null ? 0 : e.time().getEpochSecond())
            .thenComparing(ManagedFieldsEntry::manager)
            .thenComparing(ManagedFieldsEntry::apiVersion)
            .thenComparing(ManagedFieldsEntry::subresource);

    public ManagedFields {
        entries = List.copyOf(entries);
    }

    public static ManagedFields empty() {
        return EMPTY;
    }

    /** The entries in upstream's order. */
    public static ManagedFields sorted(List<ManagedFieldsEntry> entries) {
        List<ManagedFieldsEntry> l = new ArrayList<>(entries);
        l.sort(ORDER);
        return new ManagedFields(l);
    }

    /**
     * The entries of an object's {@code metadata.managedFields} (none when absent).
     *
     * @throws IllegalArgumentException when an entry is invalid (see {@link #parse})
     */
    public static ManagedFields read(JsonNode object) {
        if (object == null) {
            return EMPTY;
        }
        return parse(object.path("metadata").get("managedFields"));
    }

    /**
     * Parses a {@code managedFields} array like upstream's {@code DecodeManagedFields}: the operation must be Apply or
     * Update, the apiVersion set, the fieldsType FieldsV1 and fieldsV1 a valid set.
     *
     * @throws IllegalArgumentException for an invalid entry
     */
    public static ManagedFields parse(JsonNode managedFields) {
        if (managedFields == null || managedFields.isNull() || managedFields.isMissingNode()) {
            return EMPTY;
        }
        if (!managedFields.isArray()) {
            throw new IllegalArgumentException("managedFields must be a list");
        }
        List<ManagedFieldsEntry> out = new ArrayList<>();
        int i = 0;
        for (JsonNode e : managedFields) {
            out.add(parseEntry(e, i++));
        }
        return new ManagedFields(out);
    }

    private static ManagedFieldsEntry parseEntry(JsonNode e, int i) {
        if (!e.isObject()) {
            throw new IllegalArgumentException("managed fields entry " + i + " is not an object");
        }
        String op = e.path("operation").asText("");
        ManagedFieldsEntry.Operation operation;
        switch (op) {
            case "Apply" -> operation = ManagedFieldsEntry.Operation.Apply;
            case "Update" -> operation = ManagedFieldsEntry.Operation.Update;
            default -> throw new IllegalArgumentException("operation must be `Apply` or `Update`");
        }
        String apiVersion = e.path("apiVersion").asText("");
        if (apiVersion.isEmpty()) {
            throw new IllegalArgumentException("apiVersion must not be empty");
        }
        String fieldsType = e.path("fieldsType").asText("");
        if (fieldsType.isEmpty()) {
            throw new IllegalArgumentException("missing fieldsType in managed fields entry " + i);
        }
        if (!fieldsType.equals(ManagedFieldsEntry.FIELDS_V1)) {
            throw new IllegalArgumentException("invalid fieldsType \"" + fieldsType + "\" in managed fields entry " + i);
        }
        Instant time = null;
        JsonNode t = e.get("time");
        if (t != null && !t.isNull()) {
            try {
                time = OffsetDateTime.parse(t.asText()).toInstant();
            } catch (DateTimeParseException ex) {
                throw new IllegalArgumentException("bad time in managed fields entry " + i + ": " + t.asText(), ex);
            }
        }
        FieldSet fields = FieldSet.fromJson(e.get("fieldsV1"));
        return new ManagedFieldsEntry(e.path("manager").asText(""), operation, apiVersion, time, fieldsType, fields,
                e.path("subresource").asText(""));
    }

    /**
     * Whether a request's {@code managedFields} asks to clear them: an empty list, or a list of one empty entry
     * (upstream's {@code isResetManagedFields}).
     */
    public static boolean isReset(JsonNode managedFields) {
        if (managedFields == null || !managedFields.isArray()) {
            return false;
        }
        if (managedFields.isEmpty()) {
            return true;
        }
        return managedFields.size() == 1 && managedFields.get(0).isObject() && managedFields.get(0).isEmpty();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public Optional<ManagedFieldsEntry> find(ManagerIdentity id) {
        return entries.stream().filter(e -> e.identity().equals(id)).findFirst();
    }

    /** The entries by manager name. */
    public List<ManagedFieldsEntry> byManager(String manager) {
        return entries.stream().filter(e -> e.manager().equals(manager)).toList();
    }

    public ArrayNode toJson() {
        ArrayNode a = Values.array();
        entries.forEach(e -> a.add(e.toJson()));
        return a;
    }

    /** Sets {@code metadata.managedFields} of an object, or removes it when there are no entries (as upstream). */
    public void writeTo(ObjectNode object) {
        JsonNode meta = object.get("metadata");
        if (entries.isEmpty()) {
            if (meta instanceof ObjectNode m) {
                m.remove("managedFields");
            }
            return;
        }
        ObjectNode m = meta instanceof ObjectNode o ? o : object.putObject("metadata");
        m.set("managedFields", toJson());
    }
}
