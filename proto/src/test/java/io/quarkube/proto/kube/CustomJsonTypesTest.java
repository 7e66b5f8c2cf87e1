package io.quarkube.proto.kube;

import static io.quarkube.proto.kube.Bodies.envelope;
import static io.quarkube.proto.kube.Bodies.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.ByteString;
import io.k8s.api.apps.v1.ControllerRevision;
import io.k8s.api.authorization.v1.ExtraValue;
import io.k8s.api.authorization.v1.SubjectAccessReview;
import io.k8s.api.authorization.v1.SubjectAccessReviewSpec;
import io.k8s.api.coordination.v1.Lease;
import io.k8s.api.coordination.v1.LeaseSpec;
import io.k8s.api.core.v1.Pod;
import io.k8s.apimachinery.pkg.apis.meta.v1.APIResource;
import io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList;
import io.k8s.apimachinery.pkg.apis.meta.v1.Duration;
import io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1;
import io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry;
import io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime;
import io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta;
import io.k8s.apimachinery.pkg.apis.meta.v1.Time;
import io.k8s.apimachinery.pkg.apis.meta.v1.Verbs;
import io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent;
import io.k8s.apimachinery.pkg.runtime.RawExtension;
import org.junit.jupiter.api.Test;

/** The apimachinery types with their own JSON form, through whole objects and one by one. */
class CustomJsonTypesTest {

    @Test
    void timeIsWholeSecondsInUtcAndZeroIsNull() throws Exception {
        assertEquals(new TextNode("2024-01-02T03:04:05Z"),
                CustomJsonTypes.toJson(Time.newBuilder().setSeconds(1704164645L).setNanos(999).build()));
        assertEquals(NullNode.getInstance(), CustomJsonTypes.toJson(Time.getDefaultInstance()));
        assertEquals(NullNode.getInstance(),
                CustomJsonTypes.toJson(Time.newBuilder().setSeconds(KubeTimestamps.GO_ZERO_TIME_SECONDS).build()));
        assertEquals(new TextNode("1970-01-01T00:00:00Z"),
                CustomJsonTypes.toJson(Time.newBuilder().setSeconds(0).build()));
        assertEquals(1704164645L, Time.parseFrom(CustomJsonTypes.fromJson(Time.getDescriptor(),
                new TextNode("2024-01-02T04:04:05+01:00")).toByteString()).getSeconds());
    }

    @Test
    void microTimeHasSixFractionDigits() {
        assertEquals(new TextNode("2024-01-02T03:04:05.123456Z"),
                CustomJsonTypes.toJson(MicroTime.newBuilder().setSeconds(1704164645L).setNanos(123456789).build()));
        assertEquals(new TextNode("2024-01-02T03:04:05.000000Z"),
                CustomJsonTypes.toJson(MicroTime.newBuilder().setSeconds(1704164645L).build()));
    }

    @Test
    void durationIsGoText() throws Exception {
        assertEquals(new TextNode("1h0m0s"),
                CustomJsonTypes.toJson(Duration.newBuilder().setDuration(3_600_000_000_000L).build()));
        assertEquals(new TextNode("0s"), CustomJsonTypes.toJson(Duration.getDefaultInstance()));
        assertEquals(90_500_000_000L, Duration.parseFrom(CustomJsonTypes
                .fromJson(Duration.getDescriptor(), new TextNode("1m30.5s")).toByteString()).getDuration());
    }

    @Test
    void leaseWithMicroTimesAndPointers() {
        Lease lease = Lease.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName("node-1").setNamespace("kube-node-lease"))
                .setSpec(LeaseSpec.newBuilder().setHolderIdentity("node-1").setLeaseDurationSeconds(40)
                        .setRenewTime(MicroTime.newBuilder().setSeconds(1704164645L).setNanos(5000)))
                .build();
        assertEquals(json("""
                {"kind":"Lease","apiVersion":"coordination.k8s.io/v1",
                 "metadata":{"name":"node-1","namespace":"kube-node-lease","creationTimestamp":null},
                 "spec":{"holderIdentity":"node-1","leaseDurationSeconds":40,
                         "renewTime":"2024-01-02T03:04:05.000005Z"}}"""),
                KubeProtobuf.decode(envelope("coordination.k8s.io/v1", "Lease", lease)));
    }

    @Test
    void managedFieldsCarryFieldsV1AsJson() {
        Pod pod = Pod.newBuilder().setMetadata(ObjectMeta.newBuilder().setName("p")
                .setCreationTimestamp(Time.newBuilder().setSeconds(1704164645L))
                .addManagedFields(ManagedFieldsEntry.newBuilder().setManager("kubectl").setOperation("Update")
                        .setApiVersion("v1").setTime(Time.newBuilder().setSeconds(1704164645L))
                        .setFieldsType("FieldsV1")
                        .setFieldsV1(FieldsV1.newBuilder().setRaw(ByteString.copyFromUtf8(
                                "{\"f:metadata\":{\"f:labels\":{\".\":{}}}}")))))
                .build();
        JsonNode decoded = KubeProtobuf.decode(envelope("v1", "Pod", pod));
        assertEquals(json("""
                {"manager":"kubectl","operation":"Update","apiVersion":"v1","time":"2024-01-02T03:04:05Z",
                 "fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:labels":{".":{}}}}}"""),
                decoded.at("/metadata/managedFields/0"));
        assertEquals(decoded, KubeProtobuf.decode(KubeProtobuf.encode(decoded)));
    }

    @Test
    void rawExtensionHoldsJsonOrANestedEnvelope() {
        ControllerRevision revision = ControllerRevision.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName("web-1"))
                .setData(RawExtension.newBuilder().setRaw(ByteString.copyFromUtf8("{\"spec\":{\"replicas\":3}}")))
                .setRevision(1)
                .build();
        JsonNode decoded = KubeProtobuf.decode(envelope("apps/v1", "ControllerRevision", revision));
        assertEquals(json("{\"spec\":{\"replicas\":3}}"), decoded.get("data"));
        assertEquals(decoded, KubeProtobuf.decode(KubeProtobuf.encode(decoded)));

        // Protobuf watch events carry the object as a nested envelope.
        WatchEvent event = WatchEvent.newBuilder().setType("ADDED")
                .setObject(RawExtension.newBuilder().setRaw(ByteString.copyFrom(
                        envelope("coordination.k8s.io/v1", "Lease",
                                Lease.newBuilder().setMetadata(ObjectMeta.newBuilder().setName("l")).build()))))
                .build();
        assertEquals(json("""
                {"kind":"WatchEvent","apiVersion":"v1","type":"ADDED",
                 "object":{"kind":"Lease","apiVersion":"coordination.k8s.io/v1",
                           "metadata":{"name":"l","creationTimestamp":null},"spec":{}}}"""),
                KubeProtobuf.decode(envelope("v1", "WatchEvent", event)));
    }

    @Test
    void verbsAndExtraValuesArePlainArrays() {
        APIResourceList list = APIResourceList.newBuilder().setGroupVersion("v1")
                .addResources(APIResource.newBuilder().setName("pods").setSingularName("pod").setNamespaced(true)
                        .setKind("Pod").setVerbs(Verbs.newBuilder().addItems("get").addItems("list"))
                        .addShortNames("po"))
                .build();
        JsonNode decoded = KubeProtobuf.decode(envelope("v1", "APIResourceList", list));
        assertEquals(json("""
                {"kind":"APIResourceList","apiVersion":"v1","groupVersion":"v1","resources":[
                  {"name":"pods","singularName":"pod","namespaced":true,"kind":"Pod","verbs":["get","list"],
                   "shortNames":["po"]}]}"""), decoded);
        assertEquals(decoded, KubeProtobuf.decode(KubeProtobuf.encode(decoded)));

        SubjectAccessReview review = SubjectAccessReview.newBuilder()
                .setSpec(SubjectAccessReviewSpec.newBuilder().setUser("alice")
                        .putExtra("scopes", ExtraValue.newBuilder().addItems("a").addItems("b").build()))
                .build();
        assertEquals(json("{\"user\":\"alice\",\"extra\":{\"scopes\":[\"a\",\"b\"]}}"),
                KubeProtobuf.decode(envelope("authorization.k8s.io/v1", "SubjectAccessReview", review)).get("spec"));
    }
}
