package io.quarkube.proto.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bodies captured from stock kubectl 1.32 (see src/test/resources/kubectl-bodies/README.md). Each decodes to the JSON
 * that {@code kubectl create ... --dry-run=client -o json} printed for the same command (Go's encoding/json of the
 * same typed object), or to a hand-checked JSON for the commands that have no dry-run.
 */
class KubectlCapturedBodiesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<String> bodies() {
        return Stream.of("namespace", "configmap", "secret-generic", "deployment", "deployment-zero-replicas",
                "service-clusterip", "service-nodeport", "clusterrolebinding", "job", "cronjob", "role", "rolebinding",
                "clusterrole", "pdb", "priorityclass", "quota", "ingress", "serviceaccount", "token-request",
                "can-i-get-pods", "can-i-create-deployments-scale", "can-i-list", "whoami");
    }

    @ParameterizedTest
    @MethodSource("bodies")
    void decodesToTheJsonKubectlWouldSend(String name) throws IOException {
        byte[] body = resource(name + ".pb");
        assertTrue(KubeProtobuf.isEnvelope(body));
        JsonNode expected = JSON.readTree(resource(name + ".json"));
        assertEquals(expected.toPrettyString(), KubeProtobuf.decode(body).toPrettyString());
        assertEquals(expected, KubeProtobuf.decode(body));
    }

    /** Encoding the decoded JSON gives kubectl's bytes back, byte for byte where Go's writer is matched. */
    @ParameterizedTest
    @MethodSource("bodies")
    void reEncodesToAnObjectThatDecodesTheSame(String name) throws IOException {
        byte[] body = resource(name + ".pb");
        JsonNode decoded = KubeProtobuf.decode(body);
        assertEquals(decoded, KubeProtobuf.decode(KubeProtobuf.encode(decoded)));
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = KubectlCapturedBodiesTest.class.getResourceAsStream("/kubectl-bodies/" + name)) {
            if (in == null) {
                throw new IOException("missing test resource kubectl-bodies/" + name);
            }
            return in.readAllBytes();
        }
    }
}
