package io.quarkube.machinery.patch;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A patch that cannot be applied, carrying what the API server answers with (a {@code metav1.Status}).
 *
 * <p>{@link #getMessage()} is always the detailed cause. {@link #statusMessage()} is what upstream puts into the
 * Status: for 422 it is a fixed sentence, because upstream builds that error with {@code NewGenericServerResponse},
 * which drops the cause (kubectl prints "The request is invalid: the server rejected our request ...").
 */
public final class PatchException extends RuntimeException {

    /** The Status message of upstream's 422 answers to a patch that does not apply. */
    public static final String INVALID_MESSAGE = "the server rejected our request due to an error in our request";

    private final int code;
    private final String reason;
    private final String statusMessage;

    private PatchException(int code, String reason, String statusMessage, String detail) {
        super(detail);
        this.code = code;
        this.reason = reason;
        this.statusMessage = statusMessage;
    }

    /** 400 BadRequest: the patch itself is malformed; the Status message is the cause. */
    public static PatchException badRequest(String detail) {
        return new PatchException(400, "BadRequest", detail, detail);
    }

    /** 422 Invalid: a well-formed patch that does not apply to the object. */
    public static PatchException invalid(String detail) {
        return new PatchException(422, "Invalid", INVALID_MESSAGE, detail);
    }

    /** 413 RequestEntityTooLarge: more JSON patch operations than upstream allows. */
    public static PatchException tooLarge(String detail) {
        return new PatchException(413, "RequestEntityTooLarge", "Request entity too large: " + detail, detail);
    }

    /**
     * 500 with an empty reason: upstream returns most strategic-merge errors (e.g. a missing merge key) as plain Go
     * errors, which its error writer turns into an internal error carrying the raw message.
     */
    public static PatchException internal(String detail) {
        return new PatchException(500, "", detail, detail);
    }

    /** HTTP status code for the Status. */
    public int code() {
        return code;
    }

    /** The Status {@code reason} ("" when upstream sets none). */
    public String reason() {
        return reason;
    }

    /** The Status {@code message}. */
    public String statusMessage() {
        return statusMessage;
    }

    /** The {@code metav1.Status} body upstream answers with for this error. */
    public ObjectNode toStatus() {
        ObjectNode status = Json.object();
        status.put("kind", "Status").put("apiVersion", "v1");
        status.putObject("metadata");
        status.put("status", "Failure").put("message", statusMessage);
        if (!reason.isEmpty()) {
            status.put("reason", reason);
        }
        if (code == 422) {
            // NewGenericServerResponse always attaches (empty) details.
            status.putObject("details");
        }
        status.put("code", code);
        return status;
    }
}
