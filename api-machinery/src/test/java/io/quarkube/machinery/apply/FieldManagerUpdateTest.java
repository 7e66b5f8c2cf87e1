package io.quarkube.machinery.apply;

import static io.quarkube.machinery.apply.Json.any;
import static io.quarkube.machinery.apply.Json.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FieldManagerUpdateTest {

    static final Instant T0 = Instant.parse("2021-03-13T23:20:06Z");
    static final Instant T1 = Instant.parse("2021-03-13T23:20:08Z");
    static final Instant T2 = Instant.parse("2021-03-13T23:21:00Z");
    static final Schema DEPLOYMENT = Schema.builtIn("apps/v1", "Deployment").orElseThrow();

    /** The Deployment of `kubectl apply -f` (client side) after defaulting, as stored. */
    static ObjectNode deployment() {
        return json("""
            {'apiVersion':'apps/v1','kind':'Deployment','metadata':{'annotations':{
              'kubectl.kubernetes.io/last-applied-configuration':'{}'},
             'creationTimestamp':'2021-03-13T23:20:06Z','generation':1,'labels':{'app':'nginx'},'name':'nginx',
             'namespace':'default','resourceVersion':'6562','uid':'133301f7-2c96-4c73-b326-67205e79c451'},
             'spec':{'progressDeadlineSeconds':600,'replicas':2,'revisionHistoryLimit':10,
              'selector':{'matchLabels':{'app':'nginx'}},
              'strategy':{'rollingUpdate':{'maxSurge':'25%','maxUnavailable':'25%'},'type':'RollingUpdate'},
              'template':{'metadata':{'labels':{'app':'nginx'}},'spec':{'containers':[{'image':'nginx:1.16',
               'imagePullPolicy':'IfNotPresent','name':'nginx','ports':[{'containerPort':8080,'protocol':'TCP'}],
               'resources':{},'terminationMessagePath':'/dev/termination-log','terminationMessagePolicy':'File'}],
               'dnsPolicy':'ClusterFirst','restartPolicy':'Always','schedulerName':'default-scheduler',
               'securityContext':{},'terminationGracePeriodSeconds':30}}}}
            """);
    }

    /**
     * What `kubectl get deployment nginx -o json --show-managed-fields` shows after `kubectl apply -f` (client side):
     * upstream's output for this object, with the selector owned as a whole since LabelSelector became atomic.
     */
    static final String CLIENT_SIDE_APPLY_ENTRY = "{\"manager\":\"kubectl-client-side-apply\",\"operation\":\"Update\","
            + "\"apiVersion\":\"apps/v1\",\"time\":\"2021-03-13T23:20:06Z\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{"
            + "\"f:metadata\":{\"f:annotations\":{\".\":{},\"f:kubectl.kubernetes.io/last-applied-configuration\":{}},"
            + "\"f:labels\":{\".\":{},\"f:app\":{}}},"
            + "\"f:spec\":{\"f:progressDeadlineSeconds\":{},\"f:replicas\":{},\"f:revisionHistoryLimit\":{},"
            + "\"f:selector\":{},"
            + "\"f:strategy\":{\"f:rollingUpdate\":{\".\":{},\"f:maxSurge\":{},\"f:maxUnavailable\":{}},\"f:type\":{}},"
            + "\"f:template\":{\"f:metadata\":{\"f:labels\":{\".\":{},\"f:app\":{}}},"
            + "\"f:spec\":{\"f:containers\":{\"k:{\\\"name\\\":\\\"nginx\\\"}\":{\".\":{},\"f:image\":{},"
            + "\"f:imagePullPolicy\":{},\"f:name\":{},"
            + "\"f:ports\":{\".\":{},\"k:{\\\"containerPort\\\":8080,\\\"protocol\\\":\\\"TCP\\\"}\":{\".\":{},"
            + "\"f:containerPort\":{},\"f:protocol\":{}}},"
            + "\"f:resources\":{},\"f:terminationMessagePath\":{},\"f:terminationMessagePolicy\":{}}},"
            + "\"f:dnsPolicy\":{},\"f:restartPolicy\":{},\"f:schedulerName\":{},\"f:securityContext\":{},"
            + "\"f:terminationGracePeriodSeconds\":{}}}}}}";

    static ObjectNode created() {
        ObjectNode d = deployment();
        FieldManager.update(null, d, "kubectl-client-side-apply", "apps/v1", "", T0, DEPLOYMENT).writeTo(d);
        return d;
    }

    @Test
    void createRecordsEverythingTheWriterSetAsUpstreamPrintsIt() {
        ManagedFields mf = FieldManager.update(null, deployment(), "kubectl-client-side-apply", "apps/v1", null, T0,
                DEPLOYMENT);
        assertEquals("[" + CLIENT_SIDE_APPLY_ENTRY + "]", mf.toJson().toString());
    }

    @Test
    void controllerUpdatesGetTheirOwnEntriesWithSubresource() {
        ObjectNode before = created();
        ObjectNode after = before.deepCopy();
        after.with("metadata").with("annotations").put("deployment.kubernetes.io/revision", "1");
        ManagedFields mf = FieldManager.update(before, after, "kube-controller-manager", "apps/v1", "", T1, DEPLOYMENT);
        mf.writeTo(after);

        ObjectNode withStatus = after.deepCopy();
        withStatus.set("status", json("""
            {'availableReplicas':2,'conditions':[
              {'lastTransitionTime':'2021-03-13T23:20:08Z','lastUpdateTime':'2021-03-13T23:20:08Z',
               'message':'Deployment has minimum availability.','reason':'MinimumReplicasAvailable','status':'True',
               'type':'Available'}],'observedGeneration':1,'readyReplicas':2,'replicas':2,'updatedReplicas':2}
            """));
        mf = FieldManager.update(after, withStatus, "kube-controller-manager", "apps/v1", "status", T1, DEPLOYMENT);

        assertEquals("[" + CLIENT_SIDE_APPLY_ENTRY + ","
                + "{\"manager\":\"kube-controller-manager\",\"operation\":\"Update\",\"apiVersion\":\"apps/v1\","
                + "\"time\":\"2021-03-13T23:20:08Z\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:metadata\":{"
                + "\"f:annotations\":{\"f:deployment.kubernetes.io/revision\":{}}}}},"
                + "{\"manager\":\"kube-controller-manager\",\"operation\":\"Update\",\"apiVersion\":\"apps/v1\","
                + "\"time\":\"2021-03-13T23:20:08Z\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:status\":{"
                + "\"f:availableReplicas\":{},\"f:conditions\":{\".\":{},\"k:{\\\"type\\\":\\\"Available\\\"}\":{"
                + "\".\":{},\"f:lastTransitionTime\":{},\"f:lastUpdateTime\":{},\"f:message\":{},\"f:reason\":{},"
                + "\"f:status\":{},\"f:type\":{}}},\"f:observedGeneration\":{},\"f:readyReplicas\":{},"
                + "\"f:replicas\":{},\"f:updatedReplicas\":{}}},\"subresource\":\"status\"}]",
                mf.toJson().toString());
    }

    @Test
    void aWriterTakesOverWhatItChanges() {
        ObjectNode before = created();
        ObjectNode after = before.deepCopy();
        after.with("spec").put("replicas", 5);
        ManagedFields mf = FieldManager.update(before, after, "kubectl-scale", "apps/v1", "", T1, DEPLOYMENT);
        FieldPath replicas = FieldPath.fields("spec", "replicas");
        ManagedFieldsEntry csa = mf.byManager("kubectl-client-side-apply").get(0);
        ManagedFieldsEntry scale = mf.byManager("kubectl-scale").get(0);
        assertTrue(!csa.fieldsV1().contains(replicas));
        assertEquals("{\"f:spec\":{\"f:replicas\":{}}}", scale.fieldsV1().toJson());
        assertEquals(T0, csa.time());
        assertEquals(T1, scale.time());
    }

    @Test
    void removedFieldsAreDroppedFromEveryone() {
        ObjectNode before = created();
        ObjectNode after = before.deepCopy();
        after.with("metadata").remove("labels");
        ManagedFields mf = FieldManager.update(before, after, "kubectl-edit", "apps/v1", "", T1, DEPLOYMENT);
        assertEquals(1, mf.entries().size(), "a removal alone owns nothing");
        FieldSet csa = mf.entries().get(0).fieldsV1();
        assertTrue(!csa.contains(FieldPath.fields("metadata", "labels", "app")));
        assertTrue(!csa.contains(FieldPath.fields("metadata", "labels")));
    }

    @Test
    void consecutiveUpdatesOfOneManagerMergeIntoOneEntry() {
        ObjectNode v1 = created();
        ObjectNode v2 = v1.deepCopy();
        v2.with("spec").put("replicas", 3);
        FieldManager.update(v1, v2, "kubectl-edit", "apps/v1", "", T1, DEPLOYMENT).writeTo(v2);
        ObjectNode v3 = v2.deepCopy();
        v3.with("spec").put("minReadySeconds", 5);
        ManagedFields mf = FieldManager.update(v2, v3, "kubectl-edit", "apps/v1", "", T2, DEPLOYMENT);
        List<ManagedFieldsEntry> edits = mf.byManager("kubectl-edit");
        assertEquals(1, edits.size());
        assertEquals("{\"f:spec\":{\"f:minReadySeconds\":{},\"f:replicas\":{}}}", edits.get(0).fieldsV1().toJson());
        assertEquals(T2, edits.get(0).time());
    }

    @Test
    void anUpdateThatChangesNothingRecordsNothing() {
        ObjectNode v1 = created();
        ManagedFields mf = FieldManager.update(v1, v1.deepCopy(), "other", "apps/v1", "", T2, DEPLOYMENT);
        assertEquals(ManagedFields.read(v1), mf);
    }

    @Test
    void keepsAtMostTenUpdateEntries() {
        ObjectNode cm = json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c','uid':'u'},'data':{'init':'x'}}");
        Schema schema = Schema.forObject(cm);
        ObjectNode live = cm.deepCopy();
        FieldManager.update(null, live, "creator", "v1", "", T0, schema).writeTo(live);
        for (int i = 0; i < 11; i++) {
            ObjectNode next = live.deepCopy();
            next.with("data").put("k" + i, "v");
            FieldManager.update(live, next, "writer-" + i, "v1", "", T0.plusSeconds(10 + i), schema).writeTo(next);
            live = next;
        }
        ManagedFields mf = ManagedFields.read(live);
        assertEquals(10, mf.entries().size());
        ManagedFieldsEntry ancient = mf.byManager(FieldManager.ANCIENT_CHANGES).get(0);
        // the three oldest (creator, writer-0, writer-1) were merged
        assertEquals("{\"f:data\":{\".\":{},\"f:init\":{},\"f:k0\":{},\"f:k1\":{}}}", ancient.fieldsV1().toJson());
        assertEquals(T0.plusSeconds(11), ancient.time());
        assertTrue(mf.byManager("writer-1").isEmpty());
        assertEquals(1, mf.byManager("writer-10").size());
    }

    @Test
    void emptyValuesOfOmitemptyFieldsAreNotOwned() {
        // Go drops "data": {} of a ConfigMap, so the creator owns nothing and the object stays untracked
        ObjectNode cm = json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c'},'data':{}}");
        assertTrue(FieldManager.update(null, cm, "creator", "v1", "", T0, Schema.forObject(cm)).isEmpty());
    }

    @Test
    void managedFieldsInTheRequestReplaceTheStoredOnes() {
        ObjectNode before = created();
        ObjectNode after = before.deepCopy();
        after.with("metadata").set("managedFields", any("""
            [{'manager':'migrated','operation':'Apply','apiVersion':'apps/v1','fieldsType':'FieldsV1',
              'fieldsV1':{'f:spec':{'f:replicas':{}}}}]"""));
        ManagedFields mf = FieldManager.update(before, after, "kubectl-patch", "apps/v1", "", T1, DEPLOYMENT);
        assertEquals(1, mf.entries().size());
        assertEquals("migrated", mf.entries().get(0).manager());

        // [] clears them; an existing object without managedFields is then not tracked
        after.with("metadata").set("managedFields", any("[]"));
        after.with("spec").put("replicas", 9);
        assertTrue(FieldManager.update(before, after, "kubectl-patch", "apps/v1", "", T1, DEPLOYMENT).isEmpty());
    }

    @Test
    void subresourceWritesIgnoreRequestedManagedFields() {
        ObjectNode before = created();
        ObjectNode after = before.deepCopy();
        after.with("metadata").set("managedFields", any("[]"));
        after.set("status", json("{'replicas':2}"));
        ManagedFields mf = FieldManager.update(before, after, "kcm", "apps/v1", "status", T1, DEPLOYMENT);
        assertEquals(2, mf.entries().size());
        assertEquals("status", mf.byManager("kcm").get(0).subresource());
    }

    @Test
    void ignoredFieldsAreNotOwned() {
        ObjectNode before = created();
        ObjectNode after = before.deepCopy();
        after.set("status", json("{'replicas':2}"));
        after.with("spec").put("paused", true);
        ManagedFields mf = FieldManager.update(before, after, "editor", "apps/v1", "", T1, DEPLOYMENT,
                FieldSet.of(FieldPath.fields("status")));
        assertEquals("{\"f:spec\":{\"f:paused\":{}}}", mf.byManager("editor").get(0).fieldsV1().toJson());
    }

    @Test
    void anEmptyManagerIsUnknown() {
        ObjectNode cm = json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c'},'data':{'a':'b'}}");
        ManagedFields mf = FieldManager.update(null, cm, "", "v1", "", T0, Schema.forObject(cm));
        assertEquals("unknown", mf.entries().get(0).manager());
        assertEquals("kubectl", FieldManager.managerFromUserAgent("", "kubectl/v1.32.4 (linux/amd64) kubernetes/59526cd"));
        assertEquals("mine", FieldManager.managerFromUserAgent("mine", "kubectl/v1.32.4"));
    }
}
