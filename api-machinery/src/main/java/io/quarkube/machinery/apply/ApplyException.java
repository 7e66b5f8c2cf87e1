package io.quarkube.machinery.apply;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A server-side apply that cannot be carried out, with what the API server answers ({@code metav1.Status}).
 * {@link ApplyConflictException} is the 409 for conflicts.
 */
public class ApplyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int code;
    private final String reason;

    protected ApplyException(int code, String reason, String message) {
        super(message);
        this.code = code;
        this.reason = reason;
    }

    /** 400 BadRequest, e.g. "metadata.managedFields must be nil". */
    public static ApplyException badRequest(String message) {
        return new ApplyException(400, "BadRequest", message);
    }

    /**
     * 500 with no reason: upstream returns these as plain errors (e.g. "failed to create typed patch object (...):
     * .spec.ports: duplicate entries for key [...]"), which kubectl prints as {@code Error from server: ...}.
     */
    public static ApplyException internal(String message) {
        return new ApplyException(500, "", message);
    }

    /** HTTP status code. */
    public int code() {
        return code;
    }

    /** The Status reason ("" when upstream sets none). */
    public String reason() {
        return reason;
    }

    /** The {@code metav1.Status} body. */
    public ObjectNode toStatus() {
        ObjectNode status = Values.object();
        status.put("kind", "Status").put("apiVersion", "v1");
        status.putObject("metadata");
        status.put("status", "Failure").put("message", getMessage());
        if (!reason.isEmpty()) {
            status.put("reason", reason);
        }
        addDetails(status);
        status.put("code", code);
        return status;
    }

    protected void addDetails(ObjectNode status) {
    }
}
