package io.quarkube.proto.kube;

import static io.quarkube.proto.kube.Bodies.envelope;
import static io.quarkube.proto.kube.Bodies.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.k8s.api.apps.v1.Deployment;
import io.k8s.api.apps.v1.DeploymentCondition;
import io.k8s.api.apps.v1.DeploymentSpec;
import io.k8s.api.apps.v1.DeploymentStatus;
import io.k8s.api.apps.v1.DeploymentStrategy;
import io.k8s.api.apps.v1.RollingUpdateDeployment;
import io.k8s.api.authentication.v1.BoundObjectReference;
import io.k8s.api.authentication.v1.TokenRequest;
import io.k8s.api.authentication.v1.TokenRequestSpec;
import io.k8s.api.authentication.v1.TokenRequestStatus;
import io.k8s.api.authorization.v1.ResourceAttributes;
import io.k8s.api.authorization.v1.SelfSubjectAccessReview;
import io.k8s.api.authorization.v1.SelfSubjectAccessReviewSpec;
import io.k8s.api.authorization.v1.SubjectAccessReviewStatus;
import io.k8s.api.core.v1.ConfigMap;
import io.k8s.api.core.v1.ConfigMapKeySelector;
import io.k8s.api.core.v1.ConfigMapVolumeSource;
import io.k8s.api.core.v1.Container;
import io.k8s.api.core.v1.ContainerPort;
import io.k8s.api.core.v1.EnvVar;
import io.k8s.api.core.v1.EnvVarSource;
import io.k8s.api.core.v1.HTTPGetAction;
import io.k8s.api.core.v1.LocalObjectReference;
import io.k8s.api.core.v1.Namespace;
import io.k8s.api.core.v1.NamespaceSpec;
import io.k8s.api.core.v1.NamespaceStatus;
import io.k8s.api.core.v1.PodSpec;
import io.k8s.api.core.v1.PodTemplateSpec;
import io.k8s.api.core.v1.Probe;
import io.k8s.api.core.v1.ProbeHandler;
import io.k8s.api.core.v1.ResourceRequirements;
import io.k8s.api.core.v1.Secret;
import io.k8s.api.core.v1.Service;
import io.k8s.api.core.v1.ServicePort;
import io.k8s.api.core.v1.ServiceSpec;
import io.k8s.api.core.v1.Volume;
import io.k8s.api.core.v1.VolumeMount;
import io.k8s.api.core.v1.VolumeSource;
import io.k8s.api.rbac.v1.ClusterRoleBinding;
import io.k8s.api.rbac.v1.RoleRef;
import io.k8s.api.rbac.v1.Subject;
import io.k8s.apimachinery.pkg.api.resource.Quantity;
import io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector;
import io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement;
import io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta;
import io.k8s.apimachinery.pkg.apis.meta.v1.Time;
import io.k8s.apimachinery.pkg.util.intstr.IntOrString;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * Bodies built with the generated classes the way client-go writes them (every non-pointer field on the wire, even
 * when empty), decoded and compared with the JSON Go would write for the same object.
 */
class KubectlLikeBodiesTest {

    /** ObjectMeta as Go writes it for a new object: all string and int fields present and empty, zero timestamp. */
    private static ObjectMeta.Builder goMeta(String name, String namespace) {
        return ObjectMeta.newBuilder().setName(name).setGenerateName("").setNamespace(namespace).setSelfLink("")
                .setUid("").setResourceVersion("").setGeneration(0).setCreationTimestamp(Time.getDefaultInstance());
    }

    private static IntOrString intValue(int v) {
        return IntOrString.newBuilder().setType(0).setIntVal(v).setStrVal("").build();
    }

    private static IntOrString stringValue(String v) {
        return IntOrString.newBuilder().setType(1).setIntVal(0).setStrVal(v).build();
    }

    private static Quantity quantity(String s) {
        return Quantity.newBuilder().setString(s).build();
    }

    @Test
    void namespaceIsByteForByteWhatKubectlSends() throws IOException {
        Namespace ns = Namespace.newBuilder()
                .setMetadata(goMeta("foo", ""))
                .setSpec(NamespaceSpec.getDefaultInstance())
                .setStatus(NamespaceStatus.newBuilder().setPhase(""))
                .build();
        byte[] body = envelope("v1", "Namespace", ns);
        assertArrayEquals(KubectlCapturedBodiesTest.resource("namespace.pb"), body);
        assertEquals(json("""
                {"kind":"Namespace","apiVersion":"v1","metadata":{"name":"foo","creationTimestamp":null},
                 "spec":{},"status":{}}"""), KubeProtobuf.decode(body));
    }

    @Test
    void configMapWithDataAndBinaryData() {
        ConfigMap cm = ConfigMap.newBuilder()
                .setMetadata(goMeta("app-config", "default"))
                .putData("size", "10").putData("color", "blue")
                .putBinaryData("logo", ByteString.copyFrom(new byte[] {0, 1, 2, (byte) 0xff}))
                .build();
        assertEquals(json("""
                {"kind":"ConfigMap","apiVersion":"v1",
                 "metadata":{"name":"app-config","namespace":"default","creationTimestamp":null},
                 "data":{"color":"blue","size":"10"},"binaryData":{"logo":"AAEC/w=="}}"""),
                KubeProtobuf.decode(envelope("v1", "ConfigMap", cm)));
    }

    @Test
    void genericSecretDataIsBase64AndImmutableFalseIsKept() {
        Secret secret = Secret.newBuilder()
                .setMetadata(goMeta("db-pass", "default"))
                .putData("password", ByteString.copyFromUtf8("s3cr3t!"))
                .setType("Opaque")
                .setImmutable(false)
                .build();
        assertEquals(json("""
                {"kind":"Secret","apiVersion":"v1",
                 "metadata":{"name":"db-pass","namespace":"default","creationTimestamp":null},
                 "immutable":false,"data":{"password":"czNjcjN0IQ=="},"type":"Opaque"}"""),
                KubeProtobuf.decode(envelope("v1", "Secret", secret)));
    }

    @Test
    void deploymentWithResourcesProbesVolumesAndStatus() {
        Container web = Container.newBuilder()
                .setName("web").setImage("nginx:1.27")
                .addPorts(ContainerPort.newBuilder().setName("http").setContainerPort(80).setProtocol("TCP")
                        .setHostPort(0).setHostIP(""))
                .addEnv(EnvVar.newBuilder().setName("COLOR").setValue("").setValueFrom(EnvVarSource.newBuilder()
                        .setConfigMapKeyRef(ConfigMapKeySelector.newBuilder()
                                .setLocalObjectReference(LocalObjectReference.newBuilder().setName("app-config"))
                                .setKey("color"))))
                .setResources(ResourceRequirements.newBuilder()
                        .putLimits("cpu", quantity("1")).putLimits("memory", quantity("512Mi"))
                        .putRequests("cpu", quantity("250m")).putRequests("memory", quantity("256Mi")))
                .setLivenessProbe(Probe.newBuilder()
                        .setHandler(ProbeHandler.newBuilder().setHttpGet(HTTPGetAction.newBuilder()
                                .setPath("/healthz").setPort(stringValue("http")).setHost("").setScheme("")))
                        .setInitialDelaySeconds(5).setTimeoutSeconds(0).setPeriodSeconds(0))
                .addVolumeMounts(VolumeMount.newBuilder().setName("cfg").setMountPath("/etc/cfg").setReadOnly(true))
                .build();
        Time changed = Time.newBuilder().setSeconds(1704164645L).setNanos(0).build(); // 2024-01-02T03:04:05Z
        Deployment deployment = Deployment.newBuilder()
                .setMetadata(goMeta("web", "default").putLabels("app", "web"))
                .setSpec(DeploymentSpec.newBuilder()
                        .setReplicas(2)
                        .setSelector(LabelSelector.newBuilder().putMatchLabels("app", "web")
                                .addMatchExpressions(LabelSelectorRequirement.newBuilder()
                                        .setKey("tier").setOperator("In").addValues("frontend")))
                        .setTemplate(PodTemplateSpec.newBuilder()
                                .setMetadata(goMeta("", "").putLabels("app", "web"))
                                .setSpec(PodSpec.newBuilder().addContainers(web)
                                        .addVolumes(Volume.newBuilder().setName("cfg").setVolumeSource(
                                                VolumeSource.newBuilder().setConfigMap(ConfigMapVolumeSource.newBuilder()
                                                        .setLocalObjectReference(LocalObjectReference.newBuilder()
                                                                .setName("app-config"))
                                                        .setDefaultMode(420))))))
                        .setStrategy(DeploymentStrategy.newBuilder().setType("RollingUpdate")
                                .setRollingUpdate(RollingUpdateDeployment.newBuilder()
                                        .setMaxUnavailable(intValue(0)).setMaxSurge(stringValue("25%"))))
                        .setMinReadySeconds(0)
                        .setProgressDeadlineSeconds(600))
                .setStatus(DeploymentStatus.newBuilder().setObservedGeneration(1).setReplicas(2)
                        .addConditions(DeploymentCondition.newBuilder().setType("Available").setStatus("True")
                                .setLastUpdateTime(changed).setLastTransitionTime(changed)
                                .setReason("MinimumReplicasAvailable").setMessage("")))
                .build();
        JsonNode expected = json("""
                {"kind":"Deployment","apiVersion":"apps/v1",
                 "metadata":{"name":"web","namespace":"default","creationTimestamp":null,"labels":{"app":"web"}},
                 "spec":{
                   "replicas":2,
                   "selector":{"matchLabels":{"app":"web"},
                               "matchExpressions":[{"key":"tier","operator":"In","values":["frontend"]}]},
                   "template":{
                     "metadata":{"creationTimestamp":null,"labels":{"app":"web"}},
                     "spec":{
                       "volumes":[{"name":"cfg","configMap":{"name":"app-config","defaultMode":420}}],
                       "containers":[{
                         "name":"web","image":"nginx:1.27",
                         "ports":[{"name":"http","containerPort":80,"protocol":"TCP"}],
                         "env":[{"name":"COLOR","valueFrom":{"configMapKeyRef":{"name":"app-config","key":"color"}}}],
                         "resources":{"limits":{"cpu":"1","memory":"512Mi"},
                                      "requests":{"cpu":"250m","memory":"256Mi"}},
                         "volumeMounts":[{"name":"cfg","readOnly":true,"mountPath":"/etc/cfg"}],
                         "livenessProbe":{"httpGet":{"path":"/healthz","port":"http"},"initialDelaySeconds":5}
                       }]
                     }
                   },
                   "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":0,"maxSurge":"25%"}},
                   "progressDeadlineSeconds":600
                 },
                 "status":{"observedGeneration":1,"replicas":2,
                   "conditions":[{"type":"Available","status":"True","lastUpdateTime":"2024-01-02T03:04:05Z",
                     "lastTransitionTime":"2024-01-02T03:04:05Z","reason":"MinimumReplicasAvailable"}]}}""");
        JsonNode decoded = KubeProtobuf.decode(envelope("apps/v1", "Deployment", deployment));
        assertEquals(expected, decoded);
        assertEquals(expected, KubeProtobuf.decode(KubeProtobuf.encode(decoded)));
    }

    @Test
    void serviceTargetPortIsNumberStringOrGoZero() {
        Service svc = Service.newBuilder()
                .setMetadata(goMeta("web", "default"))
                .setSpec(ServiceSpec.newBuilder().setType("ClusterIP").putSelector("app", "web")
                        .addPorts(ServicePort.newBuilder().setName("http").setProtocol("TCP").setPort(80)
                                .setTargetPort(intValue(8080)).setNodePort(0))
                        .addPorts(ServicePort.newBuilder().setName("https").setProtocol("TCP").setPort(443)
                                .setTargetPort(stringValue("https")))
                        // A port built without targetPort: Go's zero IntOrString, which its JSON writes as 0.
                        .addPorts(ServicePort.newBuilder().setName("raw").setProtocol("UDP").setPort(53)))
                .build();
        assertEquals(json("""
                {"kind":"Service","apiVersion":"v1",
                 "metadata":{"name":"web","namespace":"default","creationTimestamp":null},
                 "spec":{"ports":[
                   {"name":"http","protocol":"TCP","port":80,"targetPort":8080},
                   {"name":"https","protocol":"TCP","port":443,"targetPort":"https"},
                   {"name":"raw","protocol":"UDP","port":53,"targetPort":0}],
                  "selector":{"app":"web"},"type":"ClusterIP"},
                 "status":{"loadBalancer":{}}}"""),
                KubeProtobuf.decode(envelope("v1", "Service", svc)));
    }

    @Test
    void clusterRoleBinding() {
        ClusterRoleBinding crb = ClusterRoleBinding.newBuilder()
                .setMetadata(goMeta("view-all", ""))
                .addSubjects(Subject.newBuilder().setKind("User").setApiGroup("rbac.authorization.k8s.io")
                        .setName("alice").setNamespace(""))
                .addSubjects(Subject.newBuilder().setKind("ServiceAccount").setApiGroup("").setName("builder")
                        .setNamespace("default"))
                .setRoleRef(RoleRef.newBuilder().setApiGroup("rbac.authorization.k8s.io").setKind("ClusterRole")
                        .setName("view"))
                .build();
        assertEquals(json("""
                {"kind":"ClusterRoleBinding","apiVersion":"rbac.authorization.k8s.io/v1",
                 "metadata":{"name":"view-all","creationTimestamp":null},
                 "subjects":[{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"alice"},
                             {"kind":"ServiceAccount","name":"builder","namespace":"default"}],
                 "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"}}"""),
                KubeProtobuf.decode(envelope("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", crb)));
    }

    @Test
    void tokenRequestUsesJsonNameUidAndKeepsNilFieldsAsNull() {
        TokenRequest tr = TokenRequest.newBuilder()
                .setMetadata(goMeta("", ""))
                .setSpec(TokenRequestSpec.newBuilder().addAudiences("api")
                        .setBoundObjectRef(BoundObjectReference.newBuilder().setKind("Pod").setApiVersion("v1")
                                .setName("p1").setUID("0b4a2c6e")))
                .setStatus(TokenRequestStatus.newBuilder().setToken("").setExpirationTimestamp(Time.getDefaultInstance()))
                .build();
        assertEquals(json("""
                {"kind":"TokenRequest","apiVersion":"authentication.k8s.io/v1",
                 "metadata":{"creationTimestamp":null},
                 "spec":{"audiences":["api"],"expirationSeconds":null,
                         "boundObjectRef":{"kind":"Pod","apiVersion":"v1","name":"p1","uid":"0b4a2c6e"}},
                 "status":{"token":"","expirationTimestamp":null}}"""),
                KubeProtobuf.decode(envelope("authentication.k8s.io/v1", "TokenRequest", tr)));
    }

    @Test
    void selfSubjectAccessReviewKeepsAllowedFalse() {
        SelfSubjectAccessReview review = SelfSubjectAccessReview.newBuilder()
                .setMetadata(goMeta("", ""))
                .setSpec(SelfSubjectAccessReviewSpec.newBuilder().setResourceAttributes(ResourceAttributes
                        .newBuilder().setNamespace("default").setVerb("get").setGroup("").setVersion("")
                        .setResource("pods").setSubresource("").setName("")))
                .setStatus(SubjectAccessReviewStatus.newBuilder().setAllowed(false).setDenied(false).setReason("")
                        .setEvaluationError(""))
                .build();
        assertEquals(json("""
                {"kind":"SelfSubjectAccessReview","apiVersion":"authorization.k8s.io/v1",
                 "metadata":{"creationTimestamp":null},
                 "spec":{"resourceAttributes":{"namespace":"default","verb":"get","resource":"pods"}},
                 "status":{"allowed":false}}"""),
                KubeProtobuf.decode(envelope("authorization.k8s.io/v1", "SelfSubjectAccessReview", review)));
    }
}
