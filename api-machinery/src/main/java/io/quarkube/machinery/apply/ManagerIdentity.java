package io.quarkube.machinery.apply;

import java.util.Objects;

/**
 * Who owns a set of fields: the manager name, the operation and subresource, and for updaters the API version
 * (appliers keep one entry whatever version they apply with). Upstream keys its managers by the JSON of exactly these
 * fields; {@link #key()} reproduces it, since its order decides which old updaters are merged first.
 */
public record ManagerIdentity(String manager, ManagedFieldsEntry.Operation operation, String apiVersion,
                              String subresource) {

    public ManagerIdentity {
        manager = manager == null ? "" : manager;
        Objects.requireNonNull(operation, "operation");
        apiVersion = apiVersion == null || operation == ManagedFieldsEntry.Operation.Apply ? "" : apiVersion;
        subresource = subresource == null ? "" : subresource;
    }

    public static ManagerIdentity apply(String manager, String subresource) {
        return new ManagerIdentity(manager, ManagedFieldsEntry.Operation.Apply, "", subresource);
    }

    public static ManagerIdentity update(String manager, String apiVersion, String subresource) {
        return new ManagerIdentity(manager, ManagedFieldsEntry.Operation.Update, apiVersion, subresource);
    }

    static ManagerIdentity of(ManagedFieldsEntry e) {
        return new ManagerIdentity(e.manager(), e.operation(), e.apiVersion(), e.subresource());
    }

    /** Upstream's manager identifier: the JSON of the entry without fields, fieldsType and time. */
    public String key() {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        if (!manager.isEmpty()) {
            sb.append("\"manager\":");
            Values.writeGoString(sb, manager);
            first = false;
        }
        sb.append(first ? "" : ",").append("\"operation\":\"").append(operation.name()).append('"');
        if (!apiVersion.isEmpty()) {
            sb.append(",\"apiVersion\":");
            Values.writeGoString(sb, apiVersion);
        }
        if (!subresource.isEmpty()) {
            sb.append(",\"subresource\":");
            Values.writeGoString(sb, subresource);
        }
        return sb.append('}').toString();
    }

    /**
     * How conflicts name this manager: {@code "m"}, plus {@code with subresource "status"}, plus for updaters
     * {@code using apps/v1} (upstream's {@code printManager}; the identity carries no time, so no "at").
     */
    public String describe() {
        StringBuilder sb = new StringBuilder(Values.goQuote(manager));
        if (!subresource.isEmpty()) {
            sb.append(" with subresource ").append(Values.goQuote(subresource));
        }
        if (operation == ManagedFieldsEntry.Operation.Update) {
            sb.append(" using ").append(apiVersion);
        }
        return sb.toString();
    }
}
