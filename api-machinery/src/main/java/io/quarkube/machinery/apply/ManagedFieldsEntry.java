package io.quarkube.machinery.apply;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * One entry of {@code metadata.managedFields} ({@code metav1.ManagedFieldsEntry}).
 *
 * @param manager     the field manager ({@code ?fieldManager=}, or the user agent's prefix)
 * @param operation   Apply or Update
 * @param apiVersion  the version of the object the fields are described in
 * @param time        when the entry last changed the object; null when unknown; written in whole seconds
 * @param fieldsType  always {@code FieldsV1}
 * @param fieldsV1    the owned fields
 * @param subresource the subresource written through ({@code status}, {@code scale}), or "" for the main resource
 */
public record ManagedFieldsEntry(String manager, Operation operation, String apiVersion, Instant time,
                                 String fieldsType, FieldSet fieldsV1, String subresource) {

    public static final String FIELDS_V1 = "FieldsV1";

    /** {@code metav1.ManagedFieldsOperationType}. */
    public enum Operation { Apply, Update }

    public ManagedFieldsEntry {
        manager = manager == null ? "" : manager;
        Objects.requireNonNull(operation, "operation");
        apiVersion = apiVersion == null ? "" : apiVersion;
        time = time == null ? null : time.truncatedTo(ChronoUnit.SECONDS);
        fieldsType = fieldsType == null ? FIELDS_V1 : fieldsType;
        fieldsV1 = fieldsV1 == null ? FieldSet.empty() : fieldsV1;
        subresource = subresource == null ? "" : subresource;
    }

    public ManagedFieldsEntry(String manager, Operation operation, String apiVersion, Instant time, FieldSet fields,
                              String subresource) {
        this(manager, operation, apiVersion, time, FIELDS_V1, fields, subresource);
    }

    /** Who this entry belongs to: entries with equal identities are one manager (upstream's manager identifier). */
    public ManagerIdentity identity() {
        return ManagerIdentity.of(this);
    }

    /**
     * The entry as the API serves it: keys in upstream's order ({@code manager, operation, apiVersion, time,
     * fieldsType, fieldsV1, subresource}), empty strings and a null time left out, time as RFC 3339 in UTC.
     */
    public ObjectNode toJson() {
        ObjectNode o = Values.object();
        if (!manager.isEmpty()) {
            o.put("manager", manager);
        }
        o.put("operation", operation.name());
        if (!apiVersion.isEmpty()) {
            o.put("apiVersion", apiVersion);
        }
        if (time != null) {
            o.put("time", DateTimeFormatter.ISO_INSTANT.format(time));
        }
        if (!fieldsType.isEmpty()) {
            o.put("fieldsType", fieldsType);
        }
        o.set("fieldsV1", fieldsV1.toJsonNode());
        if (!subresource.isEmpty()) {
            o.put("subresource", subresource);
        }
        return o;
    }
}
