package io.quarkube.machinery.apply;

import static io.quarkube.machinery.apply.Json.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FieldManagerApplyTest {

    static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
    static final Instant T1 = Instant.parse("2024-05-01T10:01:00Z");
    static final Instant T2 = Instant.parse("2024-05-01T10:02:00Z");
    static final Schema DEPLOYMENT = Schema.builtIn("apps/v1", "Deployment").orElseThrow();

    static ObjectNode config(String spec) {
        return json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'nginx','namespace':'default'},"
                + "'spec':" + spec + "}");
    }

    static final String BASE_SPEC = "{'replicas':1,'selector':{'matchLabels':{'app':'nginx'}},'template':{'metadata':"
            + "{'labels':{'app':'nginx'}},'spec':{'containers':[{'name':'nginx','image':'nginx:1.25'}]}}}";

    /** Applies, then stores the result the way the API server would (with a uid). */
    static ObjectNode applied(JsonNode live, ObjectNode config, String manager, Instant t) {
        ApplyResult r = FieldManager.apply(live, config, manager, false, "apps/v1", t, DEPLOYMENT);
        ObjectNode stored = r.object();
        stored.with("metadata").put("uid", "u-1");
        return stored;
    }

    static FieldSet fields(ObjectNode object, String manager) {
        List<ManagedFieldsEntry> entries = ManagedFields.read(object).byManager(manager);
        assertEquals(1, entries.size(), manager + " entries");
        return entries.get(0).fieldsV1();
    }

    @Test
    void applyOnCreateOwnsEverythingItSet() {
        ApplyResult r = FieldManager.apply(null, config(BASE_SPEC), "kubectl", false, "apps/v1", T0, DEPLOYMENT);
        assertTrue(r.changed());
        assertEquals("[{\"manager\":\"kubectl\",\"operation\":\"Apply\",\"apiVersion\":\"apps/v1\","
                + "\"time\":\"2024-05-01T10:00:00Z\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:spec\":{"
                + "\"f:replicas\":{},\"f:selector\":{},\"f:template\":{\"f:metadata\":{\"f:labels\":{\"f:app\":{}}},"
                + "\"f:spec\":{\"f:containers\":{\"k:{\\\"name\\\":\\\"nginx\\\"}\":{\".\":{},\"f:image\":{},"
                + "\"f:name\":{}}}}}}}}]", r.managedFields().toJson().toString());
        ObjectNode o = r.object();
        assertEquals("nginx:1.25", o.at("/spec/template/spec/containers/0/image").asText());
        assertEquals("nginx", o.at("/metadata/name").asText());
        assertEquals(r.managedFields().toJson(), o.at("/metadata/managedFields"));
        assertTrue(o.at("/spec/template/spec/containers/0/resources").isObject(), "Go's zero values are filled in");
    }

    @Test
    void twoAppliersOwnDifferentFields() {
        ObjectNode live = applied(null, config(BASE_SPEC), "alice", T0);
        ObjectNode bob = config("{}");
        bob.with("metadata").putObject("labels").put("team", "b");
        bob.with("spec").put("minReadySeconds", 5);
        ObjectNode after = applied(live, bob, "bob", T1);

        assertEquals("{\"f:metadata\":{\"f:labels\":{\"f:team\":{}}},\"f:spec\":{\"f:minReadySeconds\":{}}}",
                fields(after, "bob").toJson());
        assertTrue(fields(after, "alice").contains(FieldPath.fields("spec", "replicas")));
        assertEquals(1, after.at("/spec/replicas").asInt());
        assertEquals(5, after.at("/spec/minReadySeconds").asInt());
        assertEquals("b", after.at("/metadata/labels/team").asText());
        assertEquals(T0, ManagedFields.read(after).byManager("alice").get(0).time());
        assertEquals(T1, ManagedFields.read(after).byManager("bob").get(0).time());
    }

    @Test
    void changingAnotherAppliersFieldConflictsUnlessForced() {
        ObjectNode live = applied(null, config(BASE_SPEC), "alice", T0);
        ObjectNode bob = config("{'replicas':3}");
        ApplyConflictException e = assertThrows(ApplyConflictException.class,
                () -> FieldManager.apply(live, bob, "bob", false, "apps/v1", T1, DEPLOYMENT));
        assertEquals("Apply failed with 1 conflict: conflict with \"alice\": .spec.replicas", e.getMessage());
        assertEquals(409, e.code());
        assertEquals("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                + "\"message\":\"Apply failed with 1 conflict: conflict with \\\"alice\\\": .spec.replicas\","
                + "\"reason\":\"Conflict\",\"details\":{\"causes\":[{\"reason\":\"FieldManagerConflict\","
                + "\"message\":\"conflict with \\\"alice\\\"\",\"field\":\".spec.replicas\"}]},\"code\":409}",
                e.toStatus().toString());

        ApplyResult forced = FieldManager.apply(live, bob, "bob", true, "apps/v1", T1, DEPLOYMENT);
        assertEquals(3, forced.object().at("/spec/replicas").asInt());
        assertEquals("{\"f:spec\":{\"f:replicas\":{}}}", fields(forced.object(), "bob").toJson());
        assertFalse(fields(forced.object(), "alice").contains(FieldPath.fields("spec", "replicas")));
    }

    @Test
    void applyingTheSameValueSharesOwnership() {
        ObjectNode live = applied(null, config(BASE_SPEC), "alice", T0);
        ApplyResult r = FieldManager.apply(live, config("{'replicas':1}"), "bob", false, "apps/v1", T1, DEPLOYMENT);
        assertFalse(r.changed());
        assertTrue(fields(r.object(), "alice").contains(FieldPath.fields("spec", "replicas")));
        assertTrue(fields(r.object(), "bob").contains(FieldPath.fields("spec", "replicas")));
        assertNull(ManagedFields.read(r.object()).byManager("bob").get(0).time(),
                "upstream stamps the time only when the object changes");
    }

    @Test
    void conflictsWithUpdatersNameTheirVersion() {
        ObjectNode live = FieldManagerUpdateTest.created();
        ApplyConflictException e = assertThrows(ApplyConflictException.class, () -> FieldManager.apply(live,
                config("{'replicas':3,'paused':true,'template':{'spec':{'containers':[{'name':'nginx','image':'x'}]}}}"),
                "ci", false, "apps/v1", T1, DEPLOYMENT));
        assertEquals("Apply failed with 2 conflicts: conflicts with \"kubectl-client-side-apply\" using apps/v1:\n"
                + "- .spec.replicas\n"
                + "- .spec.template.spec.containers[name=\"nginx\"].image", e.getMessage());
        assertEquals(2, e.conflicts().size());
        assertEquals(ManagerIdentity.update("kubectl-client-side-apply", "apps/v1", ""), e.conflicts().get(0).manager());
    }

    @Test
    void conflictsOfSeveralManagersAreGroupedBySortedManager() {
        ObjectNode live = applied(null, config(BASE_SPEC), "zed", T0);
        ObjectNode b = config("{'minReadySeconds':3}");
        live = applied(live, b, "amy", T1);
        ApplyConflictException e = assertThrows(ApplyConflictException.class, () -> FieldManager.apply(
                applied(null, config(BASE_SPEC), "zed", T0).deepCopy(), config("{'replicas':2}"), "x", false,
                "apps/v1", T2, DEPLOYMENT));
        assertEquals(1, e.conflicts().size());
        ObjectNode finalLive = live;
        e = assertThrows(ApplyConflictException.class, () -> FieldManager.apply(finalLive,
                config("{'replicas':2,'minReadySeconds':4}"), "x", false, "apps/v1", T2, DEPLOYMENT));
        assertEquals("Apply failed with 2 conflicts: conflicts with \"amy\":\n- .spec.minReadySeconds\n"
                + "conflicts with \"zed\":\n- .spec.replicas", e.getMessage());
    }

    @Test
    void removingAFieldFromTheConfigurationRemovesIt() {
        ObjectNode c1 = config(BASE_SPEC);
        c1.with("metadata").putObject("labels").put("a", "1").put("b", "2");
        c1.with("spec").put("minReadySeconds", 10);
        ObjectNode live = applied(null, c1, "alice", T0);

        ObjectNode c2 = config(BASE_SPEC);
        c2.with("metadata").putObject("labels").put("a", "1");
        ApplyResult r = FieldManager.apply(live, c2, "alice", false, "apps/v1", T1, DEPLOYMENT);
        assertEquals(json("{'a':'1'}"), r.object().at("/metadata/labels"));
        assertTrue(r.object().at("/spec/minReadySeconds").isMissingNode());
        assertFalse(fields(r.object(), "alice").contains(FieldPath.fields("metadata", "labels", "b")));

        // and dropping the last label removes the map
        ApplyResult r2 = FieldManager.apply(r.object(), config(BASE_SPEC), "alice", false, "apps/v1", T2, DEPLOYMENT);
        assertTrue(r2.object().at("/metadata/labels").isMissingNode());
    }

    @Test
    void aRemovedFieldStaysWhileSomebodyElseOwnsIt() {
        ObjectNode c1 = config(BASE_SPEC);
        c1.with("metadata").putObject("labels").put("shared", "x");
        ObjectNode live = applied(null, c1, "alice", T0);
        ObjectNode bob = config("{}");
        bob.with("metadata").putObject("labels").put("shared", "x");
        live = applied(live, bob, "bob", T1);

        ApplyResult r = FieldManager.apply(live, config(BASE_SPEC), "alice", false, "apps/v1", T2, DEPLOYMENT);
        assertEquals("x", r.object().at("/metadata/labels/shared").asText());
        assertFalse(fields(r.object(), "alice").contains(FieldPath.fields("metadata", "labels", "shared")));
        assertTrue(fields(r.object(), "bob").contains(FieldPath.fields("metadata", "labels", "shared")));
    }

    @Test
    void fieldsSetByUpdatersAreNotPruned() {
        ObjectNode live = applied(null, config(BASE_SPEC), "alice", T0);
        ObjectNode edited = live.deepCopy();
        edited.with("spec").put("paused", true);
        FieldManager.update(live, edited, "kubectl-edit", "apps/v1", "", T1, DEPLOYMENT).writeTo(edited);
        ApplyResult r = FieldManager.apply(edited, config(BASE_SPEC), "alice", false, "apps/v1", T2, DEPLOYMENT);
        assertTrue(r.object().at("/spec/paused").asBoolean());
    }

    @Test
    void containersMergeByName() {
        ObjectNode live = applied(null, config(BASE_SPEC), "alice", T0);
        ObjectNode sidecar = config("{'template':{'spec':{'containers':[{'name':'proxy','image':'envoy',"
                + "'ports':[{'containerPort':9901}]}]}}}");
        ObjectNode after = applied(live, sidecar, "mesh", T1);

        JsonNode containers = after.at("/spec/template/spec/containers");
        assertEquals(2, containers.size());
        assertEquals("nginx", containers.get(0).path("name").asText());
        assertEquals("proxy", containers.get(1).path("name").asText());
        assertEquals("{\"f:spec\":{\"f:template\":{\"f:spec\":{\"f:containers\":{\"k:{\\\"name\\\":\\\"proxy\\\"}\":{"
                + "\".\":{},\"f:image\":{},\"f:name\":{},\"f:ports\":{\"k:{\\\"containerPort\\\":9901,"
                + "\\\"protocol\\\":\\\"TCP\\\"}\":{\".\":{},\"f:containerPort\":{}}}}}}}}}",
                fields(after, "mesh").toJson());

        // alice changes her container; the sidecar stays, in place
        ObjectNode c2 = config(BASE_SPEC.replace("nginx:1.25", "nginx:1.27"));
        ApplyResult r = FieldManager.apply(after, c2, "alice", false, "apps/v1", T2, DEPLOYMENT);
        containers = r.object().at("/spec/template/spec/containers");
        assertEquals(2, containers.size());
        assertEquals("nginx:1.27", containers.get(0).path("image").asText());
        assertEquals("envoy", containers.get(1).path("image").asText());
        assertFalse(fields(r.object(), "alice").contains(FieldPath.of(PathElement.field("spec"),
                PathElement.field("template"), PathElement.field("spec"), PathElement.field("containers"),
                PathElement.key("name", "proxy"))));
    }

    @Test
    void droppingAContainerFromTheConfigurationRemovesIt() {
        ObjectNode two = config("{'template':{'spec':{'containers':[{'name':'a','image':'a'},{'name':'b','image':'b'}]}}}");
        ObjectNode live = applied(null, two, "alice", T0);
        ObjectNode one = config("{'template':{'spec':{'containers':[{'name':'b','image':'b2'}]}}}");
        ApplyResult r = FieldManager.apply(live, one, "alice", false, "apps/v1", T1, DEPLOYMENT);
        JsonNode containers = r.object().at("/spec/template/spec/containers");
        assertEquals(1, containers.size());
        assertEquals("b2", containers.get(0).path("image").asText());
    }

    @Test
    void setsUnionAndAtomicListsReplace() {
        ObjectNode c1 = config(BASE_SPEC);
        c1.with("metadata").putArray("finalizers").add("a.example.com/x");
        c1.with("spec").with("template").with("spec").set("tolerations",
                json("{'t':[{'key':'k1','operator':'Exists'}]}").get("t"));
        ObjectNode live = applied(null, c1, "alice", T0);

        ObjectNode c2 = config("{'template':{'spec':{'tolerations':[{'key':'k2','operator':'Exists'}]}}}");
        c2.with("metadata").putArray("finalizers").add("b.example.com/y");
        ApplyResult r = FieldManager.apply(live, c2, "bob", true, "apps/v1", T1, DEPLOYMENT);
        assertEquals(json("{'f':['a.example.com/x','b.example.com/y']}").get("f"), r.object().at("/metadata/finalizers"));
        assertEquals(json("{'t':[{'key':'k2','operator':'Exists'}]}").get("t"),
                r.object().at("/spec/template/spec/tolerations"));
        assertEquals("{\"f:metadata\":{\"f:finalizers\":{\"v:\\\"b.example.com/y\\\"\":{}}},"
                + "\"f:spec\":{\"f:template\":{\"f:spec\":{\"f:tolerations\":{}}}}}", fields(r.object(), "bob").toJson());
        assertFalse(fields(r.object(), "alice").contains(FieldPath.fields("spec", "template", "spec", "tolerations")));
    }

    @Test
    void statusSubresourceAppliesAreRecordedWithTheSubresource() {
        ObjectNode live = applied(null, config(BASE_SPEC), "alice", T0);
        ObjectNode status = json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'nginx',"
                + "'namespace':'default'},'status':{'replicas':1,'conditions':[{'type':'Available','status':'True'}]}}");
        ApplyResult r = FieldManager.apply(live, status, "my-controller", false, "apps/v1", "status", T1, DEPLOYMENT,
                FieldSet.of(FieldPath.fields("spec")));
        ManagedFieldsEntry e = ManagedFields.read(r.object()).byManager("my-controller").get(0);
        assertEquals("status", e.subresource());
        assertEquals(ManagedFieldsEntry.Operation.Apply, e.operation());
        assertEquals("{\"f:status\":{\"f:conditions\":{\"k:{\\\"type\\\":\\\"Available\\\"}\":{\".\":{},"
                + "\"f:status\":{},\"f:type\":{}}},\"f:replicas\":{}}}", e.fieldsV1().toJson());
        assertTrue(r.managedFields().toJson().toString().contains("\"subresource\":\"status\""));
        assertEquals("True", r.object().at("/status/conditions/0/status").asText());
    }

    @Test
    void noChangeKeepsTheObjectAndTimes() {
        ObjectNode live = applied(null, config(BASE_SPEC), "alice", T0);
        ApplyResult r = FieldManager.apply(live, config(BASE_SPEC), "alice", false, "apps/v1", T1, DEPLOYMENT);
        assertFalse(r.changed());
        assertEquals(T0, ManagedFields.read(r.object()).byManager("alice").get(0).time());
        assertEquals(live, r.object());
    }

    @Test
    void firstApplyToAnUntrackedObjectCreditsBeforeFirstApply() {
        ObjectNode live = FieldManagerUpdateTest.deployment(); // has a uid, no managedFields
        ApplyConflictException e = assertThrows(ApplyConflictException.class, () -> FieldManager.apply(live,
                config("{'replicas':7}"), "ci", false, "apps/v1", T1, DEPLOYMENT));
        assertEquals("Apply failed with 1 conflict: conflict with \"before-first-apply\" using apps/v1: .spec.replicas",
                e.getMessage());
        ApplyResult r = FieldManager.apply(live, config("{'minReadySeconds':7}"), "ci", false, "apps/v1", T1,
                DEPLOYMENT);
        ManagedFieldsEntry before = ManagedFields.read(r.object()).byManager("before-first-apply").get(0);
        assertEquals(ManagedFieldsEntry.Operation.Update, before.operation());
        assertTrue(before.fieldsV1().contains(FieldPath.fields("spec", "replicas")));
    }

    // ------------------------------------------------------------------ client-side apply → server-side apply

    /** An object created by `kubectl apply` (client side): last-applied annotation, kubectl-client-side-apply owns it. */
    static ObjectNode clientSideApplied(int liveReplicas) {
        ObjectNode config = config(BASE_SPEC);
        ObjectNode live = FieldManagerUpdateTest.deployment();
        String last = Values.toGoJson(config) + "\n";
        live.with("metadata").with("annotations").put(FieldManager.LAST_APPLIED_ANNOTATION, last);
        live.with("spec").put("replicas", 1);
        ObjectNode container = (ObjectNode) live.with("spec").with("template").with("spec").withArray("containers").get(0);
        container.put("image", "nginx:1.25");
        container.remove("ports");
        live.with("metadata").remove("uid");
        FieldManager.update(null, live, "kubectl-client-side-apply", "apps/v1", "", T0, DEPLOYMENT).writeTo(live);
        live.with("metadata").put("uid", "u-1");
        if (liveReplicas != 1) {
            ObjectNode scaled = live.deepCopy();
            scaled.with("spec").put("replicas", liveReplicas);
            FieldManager.update(live, scaled, "kubectl", "apps/v1", "scale", T1, DEPLOYMENT).writeTo(scaled);
            return scaled;
        }
        return live;
    }

    @Test
    void kubectlServerSideApplyTakesOverItsOwnClientSideFields() {
        ObjectNode live = clientSideApplied(1);
        ObjectNode config = config(BASE_SPEC.replace("'replicas':1", "'replicas':4"));
        // another manager would conflict ...
        assertThrows(ApplyConflictException.class,
                () -> FieldManager.apply(live, config, "ci", false, "apps/v1", T2, DEPLOYMENT));
        // ... kubectl does not: the field still has the value it last applied client side
        ApplyResult r = FieldManager.apply(live, config, "kubectl", false, "apps/v1", T2, DEPLOYMENT);
        assertEquals(4, r.object().at("/spec/replicas").asInt());
        assertTrue(fields(r.object(), "kubectl").contains(FieldPath.fields("spec", "replicas")));
        assertFalse(fields(r.object(), "kubectl-client-side-apply").contains(FieldPath.fields("spec", "replicas")));
        // and the annotation follows the configuration
        String last = r.object().at("/metadata/annotations").get(FieldManager.LAST_APPLIED_ANNOTATION).asText();
        assertEquals(Values.toGoJson(config) + "\n", last);
        assertTrue(last.startsWith("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{"));

        // kubectl then applies the annotation as "kubectl-last-applied": same value, so shared and conflict-free
        ObjectNode stored = r.object();
        ObjectNode annotationOnly = config("{}");
        annotationOnly.remove("spec");
        annotationOnly.with("metadata").putObject("annotations").put(FieldManager.LAST_APPLIED_ANNOTATION, last);
        ApplyResult r2 = FieldManager.apply(stored, annotationOnly, "kubectl-last-applied", false, "apps/v1", T2,
                DEPLOYMENT);
        assertFalse(r2.changed());
        assertEquals("{\"f:metadata\":{\"f:annotations\":{\"f:kubectl.kubernetes.io/last-applied-configuration\":{}}}}",
                fields(r2.object(), "kubectl-last-applied").toJson());
    }

    @Test
    void kubectlStillConflictsOnFieldsOthersChanged() {
        ObjectNode live = clientSideApplied(3); // `kubectl scale` changed replicas after the client-side apply
        ObjectNode config = config(BASE_SPEC.replace("'replicas':1", "'replicas':4"));
        ApplyConflictException e = assertThrows(ApplyConflictException.class,
                () -> FieldManager.apply(live, config, "kubectl", false, "apps/v1", T2, DEPLOYMENT));
        assertEquals("Apply failed with 1 conflict: conflict with \"kubectl\" with subresource \"scale\" using apps/v1:"
                + " .spec.replicas", e.getMessage());
    }

    // ------------------------------------------------------------------ errors

    @Test
    void rejectsManagedFieldsVersionAndKindMismatches() {
        ObjectNode c = config(BASE_SPEC);
        c.with("metadata").putArray("managedFields");
        ApplyException e = assertThrows(ApplyException.class,
                () -> FieldManager.apply(null, c, "m", false, "apps/v1", T0, DEPLOYMENT));
        assertEquals("metadata.managedFields must be nil", e.getMessage());
        assertEquals(400, e.code());

        ObjectNode old = config(BASE_SPEC);
        old.put("apiVersion", "apps/v1beta1");
        e = assertThrows(ApplyException.class, () -> FieldManager.apply(null, old, "m", false, "apps/v1", T0,
                DEPLOYMENT));
        assertEquals("Incorrect version specified in apply patch. Specified patch version: apps/v1beta1, expected: "
                + "apps/v1", e.getMessage());

        ObjectNode live = applied(null, config(BASE_SPEC), "m", T0);
        ObjectNode rs = config(BASE_SPEC);
        rs.put("kind", "ReplicaSet");
        e = assertThrows(ApplyException.class, () -> FieldManager.apply(live, rs, "m", false, "apps/v1", T0,
                DEPLOYMENT));
        assertEquals("invalid object type: apps/v1, Kind=ReplicaSet", e.getMessage());
    }

    @Test
    void duplicateKeysInTheConfigurationFailLikeUpstream() {
        ObjectNode c = config("{'template':{'spec':{'containers':[{'name':'a','image':'x'},{'name':'a','image':'y'}]}}}");
        ApplyException e = assertThrows(ApplyException.class,
                () -> FieldManager.apply(null, c, "m", false, "apps/v1", T0, DEPLOYMENT));
        assertEquals(500, e.code());
        assertEquals("failed to create typed patch object (default/nginx; apps/v1, Kind=Deployment): "
                + ".spec.template.spec.containers: duplicate entries for key [name=\"a\"]", e.getMessage());

        ObjectNode noKey = config("{'template':{'spec':{'containers':[{'image':'x'}]}}}");
        e = assertThrows(ApplyException.class,
                () -> FieldManager.apply(null, noKey, "m", false, "apps/v1", T0, DEPLOYMENT));
        assertEquals("failed to create typed patch object (default/nginx; apps/v1, Kind=Deployment): "
                + ".spec.template.spec.containers: element 0: associative list with keys has an element that omits "
                + "all key fields [\"name\"] (and doesn't have default values for any key fields)", e.getMessage());
    }

    // ------------------------------------------------------------------ custom resources

    @Test
    void customResourcesUseTheirSchema() {
        Schema schema = Schema.customResource(json("""
            {'type':'object','properties':{'spec':{'type':'object','properties':{
              'size':{'type':'integer'},
              'members':{'type':'array','x-kubernetes-list-type':'map','x-kubernetes-list-map-keys':['name'],
                         'items':{'type':'object','properties':{'name':{'type':'string'},'role':{'type':'string'}}}}}}}}
            """));
        ObjectNode a = json("{'apiVersion':'ex.com/v1','kind':'Team','metadata':{'name':'t'},"
                + "'spec':{'size':2,'members':[{'name':'ann','role':'lead'}]}}");
        ApplyResult r1 = FieldManager.apply(null, a, "alice", false, "ex.com/v1", T0, schema);
        ObjectNode live = r1.object();
        live.with("metadata").put("uid", "u");
        ObjectNode b = json("{'apiVersion':'ex.com/v1','kind':'Team','metadata':{'name':'t'},"
                + "'spec':{'members':[{'name':'bob','role':'dev'}]}}");
        ApplyResult r2 = FieldManager.apply(live, b, "bob", false, "ex.com/v1", T1, schema);
        assertEquals(2, r2.object().at("/spec/members").size());
        assertEquals("{\"f:spec\":{\"f:members\":{\"k:{\\\"name\\\":\\\"bob\\\"}\":{\".\":{},\"f:name\":{},"
                + "\"f:role\":{}}}}}", fields(r2.object(), "bob").toJson());
    }
}
