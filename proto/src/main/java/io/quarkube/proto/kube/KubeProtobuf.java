package io.quarkube.proto.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.k8s.apimachinery.pkg.runtime.Unknown;
import io.quarkube.proto.kube.KubeProtobufException.Reason;
import java.util.Optional;

/**
 * Reads and writes Kubernetes objects in {@code application/vnd.kubernetes.protobuf}, converting to and from the
 * JSON that Go's JSON encoding of the same typed object gives. Thread-safe; all state is immutable or a cache.
 */
public final class KubeProtobuf {

    /** The media type kubectl sends for protobuf bodies and accepts for protobuf answers. */
    public static final String MEDIA_TYPE = "application/vnd.kubernetes.protobuf";

    private KubeProtobuf() {
    }

    /** Whether the body starts with the envelope magic {@code k8s\0}. */
    public static boolean isEnvelope(byte[] body) {
        return Envelope.hasMagic(body);
    }

    /**
     * Decodes an enveloped object to its JSON form, with {@code kind} and {@code apiVersion} from the envelope first.
     *
     * @throws KubeProtobufException if the body is not an envelope, names an unknown kind, or its bytes are malformed
     */
    public static ObjectNode decode(byte[] body) {
        Unknown unknown = Envelope.read(body);
        String apiVersion = unknown.getTypeMeta().getApiVersion();
        String kind = unknown.getTypeMeta().getKind();
        if (apiVersion.isEmpty() || kind.isEmpty()) {
            throw new KubeProtobufException(Reason.UNKNOWN_KIND,
                    "protobuf envelope has no apiVersion/kind (apiVersion=\"" + apiVersion
                            + "\", kind=\"" + kind + "\")");
        }
        return decodeObject(GroupVersionKind.of(apiVersion, kind), unknown.getRaw());
    }

    /**
     * Decodes the bare object bytes (an envelope's {@code raw}) of a known kind to its JSON form, with {@code kind}
     * and {@code apiVersion} first.
     */
    public static ObjectNode decodeObject(GroupVersionKind gvk, ByteString raw) {
        Descriptor type = descriptor(gvk);
        Message message;
        try {
            message = DynamicMessage.parseFrom(type, raw);
        } catch (InvalidProtocolBufferException e) {
            throw new KubeProtobufException(Reason.MALFORMED,
                    "malformed protobuf for " + gvk + ": " + e.getMessage(), e);
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("kind", gvk.kind());
        out.put("apiVersion", gvk.apiVersion());
        try {
            out.setAll(ProtoToJson.object(message));
        } catch (IllegalArgumentException e) {
            throw new KubeProtobufException(Reason.MALFORMED,
                    "cannot convert " + gvk + " to JSON: " + e.getMessage(), e);
        }
        return out;
    }

    /** Whether {@link #encode} knows the message type for this apiVersion and kind. */
    public static boolean canEncode(String apiVersion, String kind) {
        return apiVersion != null && kind != null
                && Registry.KINDS.find(GroupVersionKind.of(apiVersion, kind)).isPresent();
    }

    /**
     * Encodes a JSON object that has {@code apiVersion} and {@code kind} as an enveloped protobuf body. Keys the
     * message type lacks are dropped, as a Go client decoding the JSON into its typed object would.
     *
     * @throws KubeProtobufException with {@link Reason#UNKNOWN_KIND} if the kind has no known message type (callers
     *     then answer in JSON), or {@link Reason#INVALID_OBJECT} for a value of the wrong shape
     */
    public static byte[] encode(JsonNode object) {
        if (object == null || !object.isObject()) {
            throw new KubeProtobufException(Reason.INVALID_OBJECT, "only a JSON object can be encoded");
        }
        String apiVersion = object.path("apiVersion").asText("");
        String kind = object.path("kind").asText("");
        if (apiVersion.isEmpty() || kind.isEmpty()) {
            throw new KubeProtobufException(Reason.UNKNOWN_KIND, "object has no apiVersion/kind to encode");
        }
        GroupVersionKind gvk = GroupVersionKind.of(apiVersion, kind);
        Descriptor type = descriptor(gvk);
        Message message;
        try {
            message = JsonToProto.message(type, object, "");
        } catch (IllegalArgumentException e) {
            throw new KubeProtobufException(Reason.INVALID_OBJECT,
                    "cannot encode " + gvk + " as protobuf: " + e.getMessage(), e);
        }
        return Envelope.write(gvk, message.toByteArray());
    }

    private static Descriptor descriptor(GroupVersionKind gvk) {
        Optional<Descriptor> type = Registry.KINDS.find(gvk);
        return type.orElseThrow(() -> new KubeProtobufException(Reason.UNKNOWN_KIND,
                "no protobuf message is known for " + gvk));
    }

    /** Built on first use: reading all descriptors takes a moment. */
    private static final class Registry {
        static final KindRegistry KINDS = new KindRegistry(KubeProtoFiles.all());
    }
}
