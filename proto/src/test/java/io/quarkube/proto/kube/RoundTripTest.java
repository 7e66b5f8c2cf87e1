package io.quarkube.proto.kube;

import static io.quarkube.proto.kube.Bodies.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.k8s.api.core.v1.Pod;
import io.k8s.apimachinery.pkg.runtime.Unknown;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Server answers: JSON objects encoded as protobuf, read back by the generated classes and by the decoder. */
class RoundTripTest {

    /** A Pod as the API server would hold it: Go-normal JSON (what Go writes after reading it). */
    private static final JsonNode POD = json("""
            {"kind":"Pod","apiVersion":"v1",
             "metadata":{"name":"web-0","namespace":"default","uid":"1f7c9a6e-0000-4000-8000-000000000001",
                         "resourceVersion":"42","generation":1,"creationTimestamp":"2024-01-02T03:04:05Z",
                         "labels":{"app":"web"},"annotations":{"note":"x"},
                         "ownerReferences":[{"apiVersion":"apps/v1","kind":"StatefulSet","name":"web",
                                             "uid":"1f7c9a6e-0000-4000-8000-000000000002","controller":true,
                                             "blockOwnerDeletion":true}]},
             "spec":{
               "volumes":[{"name":"data","emptyDir":{"sizeLimit":"1Gi"}},
                          {"name":"token","projected":{"sources":[{"serviceAccountToken":{"expirationSeconds":3607,
                                                                   "path":"token"}}],"defaultMode":420}}],
               "containers":[{"name":"web","image":"nginx","command":["nginx","-g","daemon off;"],
                              "ports":[{"name":"http","containerPort":80,"protocol":"TCP"}],
                              "resources":{"limits":{"cpu":"500m"},"requests":{"cpu":"100m","memory":"64Mi"}},
                              "readinessProbe":{"tcpSocket":{"port":80},"periodSeconds":5},
                              "securityContext":{"runAsNonRoot":true,"runAsUser":0,"allowPrivilegeEscalation":false},
                              "imagePullPolicy":"Always"}],
               "restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst",
               "serviceAccountName":"default","nodeName":"node-1","automountServiceAccountToken":false,
               "tolerations":[{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute",
                               "tolerationSeconds":300}],
               "priority":0,"enableServiceLinks":true},
             "status":{"phase":"Running","hostIP":"10.0.0.1","podIP":"10.1.0.5","podIPs":[{"ip":"10.1.0.5"}],
                       "startTime":"2024-01-02T03:04:06Z",
                       "conditions":[{"type":"Ready","status":"True","lastProbeTime":null,
                                      "lastTransitionTime":"2024-01-02T03:04:10Z"}],
                       "containerStatuses":[{"name":"web","state":{"running":{"startedAt":"2024-01-02T03:04:07Z"}},
                                             "lastState":{},"ready":true,"restartCount":0,"image":"nginx",
                                             "imageID":"","started":true}],
                       "qosClass":"Burstable"}}""");

    @Test
    void podSurvivesEncodeAndDecode() {
        assertEquals(POD, KubeProtobuf.decode(KubeProtobuf.encode(POD)));
    }

    @Test
    void encodedPodIsReadableByTheGeneratedClasses() throws Exception {
        byte[] body = KubeProtobuf.encode(POD);
        Unknown unknown = Unknown.parser().parseFrom(Arrays.copyOfRange(body, 4, body.length));
        assertEquals("v1", unknown.getTypeMeta().getApiVersion());
        assertEquals("Pod", unknown.getTypeMeta().getKind());
        Pod pod = Pod.parseFrom(unknown.getRaw());
        assertEquals("web-0", pod.getMetadata().getName());
        assertEquals(1704164645L, pod.getMetadata().getCreationTimestamp().getSeconds());
        assertEquals("1Gi", pod.getSpec().getVolumes(0).getVolumeSource().getEmptyDir().getSizeLimit().getString());
        assertEquals(80, pod.getSpec().getContainers(0).getReadinessProbe().getHandler().getTcpSocket().getPort()
                .getIntVal());
        assertEquals(false, pod.getSpec().getAutomountServiceAccountToken());
        assertEquals(0, pod.getSpec().getContainers(0).getSecurityContext().getRunAsUser());
    }

    @Test
    void capturedKubectlBodyReEncodesToTheSameObject() throws Exception {
        // Our writer leaves out empty non-pointer fields that Go writes, so bytes differ; the objects do not.
        byte[] captured = KubectlCapturedBodiesTest.resource("service-clusterip.pb");
        byte[] ours = KubeProtobuf.encode(KubeProtobuf.decode(captured));
        assertArrayEquals(Arrays.copyOf(captured, 4), Arrays.copyOf(ours, 4));
        assertEquals(KubeProtobuf.decode(captured), KubeProtobuf.decode(ours));
    }

    @Test
    void statusAndDeleteOptionsUseTheSharedMetaKinds() {
        JsonNode status = json("""
                {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
                 "message":"pods \\"x\\" not found","reason":"NotFound",
                 "details":{"name":"x","kind":"pods"},"code":404}""");
        assertEquals(status, KubeProtobuf.decode(KubeProtobuf.encode(status)));
        JsonNode delete = json("""
                {"kind":"DeleteOptions","apiVersion":"apps/v1","gracePeriodSeconds":0,
                 "propagationPolicy":"Foreground"}""");
        assertEquals(delete, KubeProtobuf.decode(KubeProtobuf.encode(delete)));
    }

    @Test
    void unknownKeysAreDroppedLikeGoTypedDecoding() {
        JsonNode withExtra = json("""
                {"kind":"Namespace","apiVersion":"v1","metadata":{"name":"a","bogus":1},"spec":{},"status":{},
                 "extra":true}""");
        assertEquals(json("""
                {"kind":"Namespace","apiVersion":"v1","metadata":{"name":"a","creationTimestamp":null},
                 "spec":{},"status":{}}"""), KubeProtobuf.decode(KubeProtobuf.encode(withExtra)));
    }
}
