package io.quarkube.proto.kube;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.k8s.apimachinery.pkg.runtime.TypeMeta;
import io.k8s.apimachinery.pkg.runtime.Unknown;
import io.quarkube.proto.kube.KubeProtobufException.Reason;
import java.io.IOException;

/**
 * The Kubernetes protobuf envelope: the magic bytes {@code k8s\0} followed by a runtime.Unknown message holding the
 * TypeMeta and the object's own bytes.
 */
final class Envelope {

    static final byte[] MAGIC = {0x6b, 0x38, 0x73, 0x00};

    private Envelope() {
    }

    static boolean hasMagic(byte[] body) {
        if (body == null || body.length < MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (body[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    static Unknown read(byte[] body) {
        if (!hasMagic(body)) {
            throw new KubeProtobufException(Reason.NOT_AN_ENVELOPE,
                    "body does not start with the Kubernetes protobuf magic bytes 6b 38 73 00");
        }
        Unknown unknown;
        try {
            unknown = Unknown.parser().parseFrom(body, MAGIC.length, body.length - MAGIC.length);
        } catch (InvalidProtocolBufferException e) {
            throw new KubeProtobufException(Reason.NOT_AN_ENVELOPE,
                    "malformed Kubernetes protobuf envelope: " + e.getMessage(), e);
        }
        // Kubernetes itself only ever writes these empty; anything else would need a decompressor we don't have.
        if (!unknown.getContentEncoding().isEmpty()) {
            throw new KubeProtobufException(Reason.UNSUPPORTED_ENCODING,
                    "unsupported content encoding in protobuf envelope: " + unknown.getContentEncoding());
        }
        String contentType = unknown.getContentType();
        if (!contentType.isEmpty() && !contentType.equals(KubeProtobuf.MEDIA_TYPE)) {
            throw new KubeProtobufException(Reason.UNSUPPORTED_ENCODING,
                    "unsupported content type in protobuf envelope: " + contentType);
        }
        return unknown;
    }

    /** Writes the envelope as Go does, with every field present (content encoding and type empty). */
    static byte[] write(GroupVersionKind gvk, byte[] raw) {
        Unknown unknown = Unknown.newBuilder()
                .setTypeMeta(TypeMeta.newBuilder().setApiVersion(gvk.apiVersion()).setKind(gvk.kind()))
                .setRaw(ByteString.copyFrom(raw))
                .setContentEncoding("")
                .setContentType("")
                .build();
        byte[] out = new byte[MAGIC.length + unknown.getSerializedSize()];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        CodedOutputStream stream = CodedOutputStream.newInstance(out, MAGIC.length, out.length - MAGIC.length);
        try {
            unknown.writeTo(stream);
            stream.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write protobuf envelope", e);
        }
        return out;
    }
}
