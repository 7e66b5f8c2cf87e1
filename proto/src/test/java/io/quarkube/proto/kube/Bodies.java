package io.quarkube.proto.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.k8s.apimachinery.pkg.runtime.TypeMeta;
import io.k8s.apimachinery.pkg.runtime.Unknown;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Test helpers: protobuf bodies enveloped the way client-go writes them, and JSON parsing. */
final class Bodies {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Bodies() {
    }

    /** Magic, then runtime.Unknown with every field present (Go writes the empty content encoding and type too). */
    static byte[] envelope(String apiVersion, String kind, Message object) {
        return envelope(apiVersion, kind, object.toByteString());
    }

    static byte[] envelope(String apiVersion, String kind, ByteString raw) {
        byte[] unknown = Unknown.newBuilder()
                .setTypeMeta(TypeMeta.newBuilder().setApiVersion(apiVersion).setKind(kind))
                .setRaw(raw)
                .setContentEncoding("")
                .setContentType("")
                .build()
                .toByteArray();
        byte[] out = new byte[4 + unknown.length];
        out[0] = 0x6b;
        out[1] = 0x38;
        out[2] = 0x73;
        out[3] = 0x00;
        System.arraycopy(unknown, 0, out, 4, unknown.length);
        return out;
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
