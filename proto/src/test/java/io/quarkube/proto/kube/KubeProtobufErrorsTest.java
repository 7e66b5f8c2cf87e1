package io.quarkube.proto.kube;

import static io.quarkube.proto.kube.Bodies.envelope;
import static io.quarkube.proto.kube.Bodies.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.k8s.apimachinery.pkg.runtime.TypeMeta;
import io.k8s.apimachinery.pkg.runtime.Unknown;
import io.quarkube.proto.kube.KubeProtobufException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** What the API server gets for bodies it must refuse. */
class KubeProtobufErrorsTest {

    private static Reason decodeFailure(byte[] body) {
        return assertThrows(KubeProtobufException.class, () -> KubeProtobuf.decode(body)).reason();
    }

    @Test
    void jsonIsNotAnEnvelope() {
        byte[] body = "{\"kind\":\"Namespace\"}".getBytes(StandardCharsets.UTF_8);
        assertFalse(KubeProtobuf.isEnvelope(body));
        assertFalse(KubeProtobuf.isEnvelope(new byte[] {0x6b, 0x38}));
        assertFalse(KubeProtobuf.isEnvelope(null));
        assertEquals(Reason.NOT_AN_ENVELOPE, decodeFailure(body));
    }

    @Test
    void garbageAfterTheMagicIsNotAnEnvelope() {
        byte[] body = {0x6b, 0x38, 0x73, 0x00, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        assertTrue(KubeProtobuf.isEnvelope(body));
        assertEquals(Reason.NOT_AN_ENVELOPE, decodeFailure(body));
    }

    @Test
    void compressedContentIsUnsupported() {
        byte[] unknown = Unknown.newBuilder()
                .setTypeMeta(TypeMeta.newBuilder().setApiVersion("v1").setKind("Namespace"))
                .setRaw(ByteString.EMPTY).setContentEncoding("gzip").build().toByteArray();
        byte[] body = new byte[4 + unknown.length];
        System.arraycopy(Envelope.MAGIC, 0, body, 0, 4);
        System.arraycopy(unknown, 0, body, 4, unknown.length);
        assertEquals(Reason.UNSUPPORTED_ENCODING, decodeFailure(body));
    }

    @Test
    void unknownKindsAreNamed() {
        KubeProtobufException e = assertThrows(KubeProtobufException.class,
                () -> KubeProtobuf.decode(envelope("example.com/v1", "Widget", ByteString.EMPTY)));
        assertEquals(Reason.UNKNOWN_KIND, e.reason());
        assertTrue(e.getMessage().contains("example.com/v1, Kind=Widget"), e.getMessage());
        // Helper types are not kinds.
        assertEquals(Reason.UNKNOWN_KIND, decodeFailure(envelope("v1", "Container", ByteString.EMPTY)));
        assertEquals(Reason.UNKNOWN_KIND, decodeFailure(envelope("", "", ByteString.EMPTY)));
    }

    @Test
    void truncatedObjectBytesAreMalformed() throws Exception {
        byte[] captured = KubectlCapturedBodiesTest.resource("deployment.pb");
        Unknown unknown = Unknown.parser().parseFrom(Arrays.copyOfRange(captured, 4, captured.length));
        ByteString raw = unknown.getRaw();
        assertEquals(Reason.MALFORMED,
                decodeFailure(envelope("apps/v1", "Deployment", raw.substring(0, raw.size() - 7))));
    }

    @Test
    void encodeNeedsAKnownKindAndWellShapedValues() {
        assertTrue(KubeProtobuf.canEncode("v1", "Pod"));
        assertTrue(KubeProtobuf.canEncode("apps/v1", "DeleteOptions"));
        assertFalse(KubeProtobuf.canEncode("example.com/v1", "Widget"));
        assertEquals(Reason.UNKNOWN_KIND, assertThrows(KubeProtobufException.class,
                () -> KubeProtobuf.encode(json("{\"metadata\":{\"name\":\"x\"}}"))).reason());
        KubeProtobufException e = assertThrows(KubeProtobufException.class, () -> KubeProtobuf.encode(json("""
                {"kind":"Deployment","apiVersion":"apps/v1","spec":{"replicas":"three"}}""")));
        assertEquals(Reason.INVALID_OBJECT, e.reason());
        assertTrue(e.getMessage().contains(".spec.replicas"), e.getMessage());
    }
}
