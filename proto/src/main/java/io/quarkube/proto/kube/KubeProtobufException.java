package io.quarkube.proto.kube;

/**
 * A Kubernetes protobuf body that cannot be read, or an object that cannot be written as one. The {@link Reason}
 * lets the API server pick its answer: 415 for a body that is not an envelope or uses an encoding we don't read,
 * 400 for an unknown kind or malformed bytes.
 */
public class KubeProtobufException extends RuntimeException {

    /** What went wrong, coarse enough to choose an HTTP status from. */
    public enum Reason {
        /** The body does not start with the {@code k8s\0} magic, or the envelope itself does not parse. */
        NOT_AN_ENVELOPE,
        /** The envelope names a content encoding or type other than plain protobuf. */
        UNSUPPORTED_ENCODING,
        /** No message type is known for the envelope's (or the object's) apiVersion and kind. */
        UNKNOWN_KIND,
        /** The object's bytes do not parse as its message type, or hold a value that has no JSON form. */
        MALFORMED,
        /** A JSON object to encode has a value of the wrong shape for its field. */
        INVALID_OBJECT
    }

    private final Reason reason;

    public KubeProtobufException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public KubeProtobufException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
