package io.quarkube.machinery.patch;

import static io.quarkube.machinery.patch.JsonTestSupport.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StrategicMergePatchTest {

    private static final PatchMeta DEPLOYMENT = KubernetesPatchMeta.forKind("apps/v1", "Deployment").orElseThrow();

    private static final String LIVE = "{'apiVersion':'apps/v1','kind':'Deployment',"
            + "'metadata':{'name':'web','namespace':'default','labels':{'app':'web','tier':'fe'},"
            + "  'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'{\\\"old\\\":true}\\n',"
            + "    'deployment.kubernetes.io/revision':'1'},"
            + "  'finalizers':['a.example/x','b.example/y','c.example/z']},"
            + "'spec':{'replicas':2,'selector':{'matchLabels':{'app':'web'}},"
            + "  'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':'25%','maxUnavailable':'25%'}},"
            + "  'template':{'metadata':{'labels':{'app':'web'}},'spec':{"
            + "    'containers':["
            + "      {'name':'app','image':'app:1',"
            + "       'ports':[{'containerPort':8080,'protocol':'TCP'},{'containerPort':9090,'name':'metrics','protocol':'TCP'}],"
            + "       'env':[{'name':'A','value':'1'},{'name':'B','value':'2'}]},"
            + "      {'name':'sidecar','image':'sidecar:1'}],"
            + "    'tolerations':[{'key':'k1','operator':'Exists'}]}}}}";

    private static JsonNode patchLive(String patch) {
        return StrategicMergePatch.apply(json(LIVE), json(patch), DEPLOYMENT);
    }

    private static JsonNode podSpec(JsonNode deployment) {
        return deployment.at("/spec/template/spec");
    }

    private static List<String> names(JsonNode list, String key) {
        List<String> out = new ArrayList<>();
        list.forEach(v -> out.add(v.get(key).asText()));
        return out;
    }

    @Test
    void mergesContainersByNameChangingOneImage() {
        JsonNode out = patchLive("{'spec':{'template':{'spec':{'containers':[{'name':'sidecar','image':'sidecar:2'}]}}}}");
        JsonNode containers = podSpec(out).get("containers");
        assertEquals(List.of("app", "sidecar"), names(containers, "name"));
        assertEquals("sidecar:2", containers.get(1).get("image").asText());
        assertEquals(json(LIVE).at("/spec/template/spec/containers/0"), containers.get(0));
    }

    /**
     * Upstream orders a merged list against the live list as it was before the patch's new items were appended: a
     * new item is unknown to that order, so it goes before the server-only items that follow it. The ReplicaSet
     * "Replace and Patch" conformance test patches in a container this way and reads it back as containers[0].
     */
    @Test
    void aNewMergeKeyItemGoesBeforeTheServerOnlyItemsAsUpstreamPutsIt() {
        JsonNode out = patchLive("{'spec':{'template':{'spec':{'terminationGracePeriodSeconds':0,"
                + "'containers':[{'name':'web','image':'pause:3'}]}}}}");
        JsonNode containers = podSpec(out).get("containers");
        assertEquals(List.of("web", "app", "sidecar"), names(containers, "name"));
        assertEquals(json("{'name':'web','image':'pause:3'}"), containers.get(0));
        assertEquals(json(LIVE).at("/spec/template/spec/containers/0"), containers.get(1));
    }

    /** What {@code kubectl patch -p} sends naming an existing container and a new one: the new one follows it. */
    @Test
    void kubectlPatchOfAnExistingAndANewContainerKeepsThePatchOrder() {
        JsonNode out = patchLive("{'spec':{'template':{'spec':{'containers':"
                + "[{'name':'app','image':'app:2'},{'name':'logger','image':'logger:1'}]}}}}");
        assertEquals(List.of("app", "logger", "sidecar"), names(podSpec(out).get("containers"), "name"));
        assertEquals("app:2", podSpec(out).at("/containers/0/image").asText());
        JsonNode loggerFirst = patchLive("{'spec':{'template':{'spec':{'containers':"
                + "[{'name':'logger','image':'logger:1'},{'name':'sidecar','image':'sidecar:2'}]}}}}");
        // logger is unknown to the live order, so it is not placed after app: the patch's items keep their order
        // and go first, server-only app before sidecar only because the live list says so.
        assertEquals(List.of("logger", "app", "sidecar"), names(podSpec(loggerFirst).get("containers"), "name"));
    }

    /** kubectl apply of a manifest that adds a container at its end: $setElementOrder keeps it last. */
    @Test
    void kubectlApplyAddingAContainerFollowsSetElementOrder() {
        JsonNode out = patchLive("{'spec':{'template':{'spec':{'$setElementOrder/containers':"
                + "[{'name':'app'},{'name':'sidecar'},{'name':'logger'}],"
                + "'containers':[{'image':'logger:1','name':'logger'}]}}}}");
        assertEquals(List.of("app", "sidecar", "logger"), names(podSpec(out).get("containers"), "name"));
    }

    @Test
    void newEnvVarsGoBeforeLaterServerOnlyOnes() {
        JsonNode out = patchLive("{'spec':{'template':{'spec':{'containers':[{'name':'app',"
                + "'env':[{'name':'Z','value':'9'}]}]}}}}");
        assertEquals(json("[{'name':'Z','value':'9'},{'name':'A','value':'1'},{'name':'B','value':'2'}]"),
                podSpec(out).at("/containers/0/env"));
    }

    @Test
    void setImageWithSetElementOrderAsKubectlSendsIt() {
        JsonNode out = patchLive("{'spec':{'template':{'spec':{'$setElementOrder/containers':"
                + "[{'name':'app'},{'name':'sidecar'}],'containers':[{'image':'app:2','name':'app'}]}}}}");
        JsonNode containers = podSpec(out).get("containers");
        assertEquals(List.of("app", "sidecar"), names(containers, "name"));
        assertEquals("app:2", containers.get(0).get("image").asText());
        assertEquals(2, containers.get(0).get("ports").size());
        assertTrue(podSpec(out).fieldNames().hasNext() && !podSpec(out).has("$setElementOrder/containers"));
    }

    @Test
    void setElementOrderReordersTheLiveList() {
        JsonNode out = patchLive("{'spec':{'template':{'spec':{'$setElementOrder/containers':"
                + "[{'name':'sidecar'},{'name':'app'}]}}}}");
        assertEquals(List.of("sidecar", "app"), names(podSpec(out).get("containers"), "name"));
    }

    @Test
    void patchDeleteRemovesAListElement() {
        JsonNode out = patchLive("{'spec':{'template':{'spec':{'containers':[{'name':'sidecar','$patch':'delete'}]}}}}");
        assertEquals(List.of("app"), names(podSpec(out).get("containers"), "name"));
    }

    @Test
    void patchReplaceOnAMapKeepsOnlyThePatch() {
        JsonNode out = patchLive("{'metadata':{'labels':{'$patch':'replace','owner':'me'}}}");
        assertEquals(json("{'owner':'me'}"), out.at("/metadata/labels"));
    }

    @Test
    void patchDeleteOnAMapEmptiesIt() {
        JsonNode out = patchLive("{'metadata':{'labels':{'$patch':'delete'}}}");
        assertEquals(json("{}"), out.at("/metadata/labels"));
    }

    @Test
    void patchReplaceInAListReplacesTheList() {
        JsonNode out = patchLive("{'spec':{'template':{'spec':{'containers':"
                + "[{'$patch':'replace'},{'name':'only','image':'only:1'}]}}}}");
        assertEquals(json("[{'name':'only','image':'only:1'}]"), podSpec(out).get("containers"));
    }

    @Test
    void deleteFromPrimitiveListRemovesFinalizer() {
        JsonNode out = patchLive("{'metadata':{'$deleteFromPrimitiveList/finalizers':['b.example/y','not-there']}}");
        assertEquals(json("['a.example/x','c.example/z']"), out.at("/metadata/finalizers"));
    }

    @Test
    void finalizersMergeAsASet() {
        JsonNode out = patchLive("{'metadata':{'$setElementOrder/finalizers':"
                + "['a.example/x','b.example/y','c.example/z','d.example/w'],'finalizers':['d.example/w']}}");
        assertEquals(json("['a.example/x','b.example/y','c.example/z','d.example/w']"), out.at("/metadata/finalizers"));
    }

    @Test
    void retainKeysSwitchesRollingUpdateToRecreateAsKubectlApplySendsIt() {
        JsonNode out = patchLive("{'spec':{'strategy':{'$retainKeys':['type'],'rollingUpdate':null,'type':'Recreate'}}}");
        assertEquals(json("{'type':'Recreate'}"), out.at("/spec/strategy"));
    }

    @Test
    void retainKeysClearsUnlistedFieldsEvenWithoutNulls() {
        JsonNode out = patchLive("{'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate'}}}");
        assertEquals(json("{'type':'Recreate'}"), out.at("/spec/strategy"));
    }

    @Test
    void retainKeysMustListEveryPatchedField() {
        PatchException e = assertThrows(PatchException.class,
                () -> patchLive("{'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate','extra':1}}}"));
        assertEquals(400, e.code());
        assertEquals("invalid patch format of retainKeys", e.statusMessage());
    }

    @Test
    void nullRemovesALabel() {
        JsonNode out = patchLive("{'metadata':{'labels':{'tier':null,'new':'x'}}}");
        assertEquals(json("{'app':'web','new':'x'}"), out.at("/metadata/labels"));
    }

    @Test
    void envMergesByName() {
        JsonNode out = patchLive("{'spec':{'template':{'spec':{'containers':[{'name':'app',"
                + "'env':[{'name':'B','value':'3'},{'name':'C','value':'4'}]}]}}}}");
        assertEquals(json("[{'name':'A','value':'1'},{'name':'B','value':'3'},{'name':'C','value':'4'}]"),
                podSpec(out).at("/containers/0/env"));
    }

    @Test
    void portsMergeByContainerPort() {
        JsonNode out = patchLive("{'spec':{'template':{'spec':{'containers':[{'name':'app',"
                + "'ports':[{'containerPort':9090,'name':'prom'},{'containerPort':7070}]}]}}}}");
        assertEquals(json("[{'containerPort':8080,'protocol':'TCP'},"
                + "{'containerPort':9090,'name':'prom','protocol':'TCP'},{'containerPort':7070}]"),
                podSpec(out).at("/containers/0/ports"));
    }

    @Test
    void untaggedListsLikeTolerationsAreReplaced() {
        JsonNode out = patchLive("{'spec':{'template':{'spec':{'tolerations':[{'key':'k2','operator':'Exists'}]}}}}");
        assertEquals(json("[{'key':'k2','operator':'Exists'}]"), podSpec(out).get("tolerations"));
    }

    /** What kubectl 1.32 apply sends when the manifest changes image, env, replicas, a label and the strategy. */
    @Test
    void kubectlApplyReapplyOfADeployment() {
        JsonNode out = patchLive("{'metadata':{'annotations':{'kubectl.kubernetes.io/last-applied-configuration':"
                + "'{\\\"new\\\":true}\\n'},'labels':{'tier':null}},"
                + "'spec':{'replicas':3,'strategy':{'$retainKeys':['type'],'rollingUpdate':null,'type':'Recreate'},"
                + "'template':{'spec':{'$setElementOrder/containers':[{'name':'app'},{'name':'sidecar'}],"
                + "'containers':[{'$setElementOrder/env':[{'name':'A'},{'name':'B'}],'env':[{'name':'B','value':'22'}],"
                + "'image':'app:2','name':'app'}]}}}}");
        assertEquals(json("{'kubectl.kubernetes.io/last-applied-configuration':'{\\\"new\\\":true}\\n',"
                + "'deployment.kubernetes.io/revision':'1'}"), out.at("/metadata/annotations"));
        assertEquals(json("{'app':'web'}"), out.at("/metadata/labels"));
        assertEquals(3, out.at("/spec/replicas").asInt());
        assertEquals(json("{'type':'Recreate'}"), out.at("/spec/strategy"));
        JsonNode app = podSpec(out).at("/containers/0");
        assertEquals("app:2", app.get("image").asText());
        assertEquals(json("[{'name':'A','value':'1'},{'name':'B','value':'22'}]"), app.get("env"));
        assertEquals(List.of("app", "sidecar"), names(podSpec(out).get("containers"), "name"));
        assertEquals(json(LIVE).at("/spec/template/spec/containers/1"), podSpec(out).at("/containers/1"));
    }

    /** kubectl apply after swapping the sidecar for a new container: a delete directive plus an addition. */
    @Test
    void kubectlApplyReplacingAContainer() {
        JsonNode out = patchLive("{'spec':{'template':{'spec':{'$setElementOrder/containers':"
                + "[{'name':'app'},{'name':'logger'}],'containers':[{'image':'logger:1','name':'logger'},"
                + "{'$patch':'delete','name':'sidecar'}]}}}}");
        assertEquals(List.of("app", "logger"), names(podSpec(out).get("containers"), "name"));
        assertEquals(json("{'name':'logger','image':'logger:1'}"), podSpec(out).at("/containers/1"));
    }

    @Test
    void liveOrderSeenBySetElementOrderFollowsUpstreamSliceReuse() {
        // From upstream's table: the deletion of 1 and addition of 3 reuse the live list's storage, so the server-only
        // item 4 ends up before 3.
        PatchMeta meta = path -> path.get(path.size() - 1).equals("list") ? FieldPatchMeta.merge("name")
                : FieldPatchMeta.NONE;
        JsonNode out = StrategicMergePatch.apply(json("{'list':[{'name':1},{'name':2,'o':'b'},{'name':4,'o':'c'}]}"),
                json("{'$setElementOrder/list':[{'name':2},{'name':3}],'list':[{'name':3},{'name':1,'$patch':'delete'}]}"),
                meta);
        assertEquals(json("{'list':[{'name':2,'o':'b'},{'name':4,'o':'c'},{'name':3}]}"), out);
    }

    @Test
    void nodeConditionsMergeByType() {
        PatchMeta node = KubernetesPatchMeta.forKind("v1", "Node").orElseThrow();
        JsonNode out = StrategicMergePatch.apply(
                json("{'status':{'conditions':[{'type':'Ready','status':'True'},{'type':'DiskPressure','status':'False'}]}}"),
                json("{'status':{'conditions':[{'type':'Ready','status':'False','reason':'KubeletDown'}]}}"), node);
        assertEquals(json("[{'type':'Ready','status':'False','reason':'KubeletDown'},"
                + "{'type':'DiskPressure','status':'False'}]"), out.at("/status/conditions"));
    }

    @Test
    void cronJobPodTemplateIsFoundThroughJobTemplate() {
        PatchMeta cronJob = KubernetesPatchMeta.forKind("batch/v1", "CronJob").orElseThrow();
        JsonNode out = StrategicMergePatch.apply(
                json("{'spec':{'jobTemplate':{'spec':{'template':{'spec':{'containers':[{'name':'a','image':'a:1'},"
                        + "{'name':'b','image':'b:1'}]}}}}}}"),
                json("{'spec':{'jobTemplate':{'spec':{'template':{'spec':{'containers':[{'name':'b','image':'b:2'}]}}}}}}"),
                cronJob);
        assertEquals(2, out.at("/spec/jobTemplate/spec/template/spec/containers").size());
    }

    @Test
    void missingMergeKeyIsUpstreamsInternalError() {
        PatchException e = assertThrows(PatchException.class,
                () -> patchLive("{'spec':{'template':{'spec':{'containers':[{'image':'x'}]}}}}"));
        assertEquals(500, e.code());
        assertEquals("map: map[image:x] does not contain declared merge key: name", e.statusMessage());
    }

    @Test
    void setElementOrderThatContradictsThePatchIsRejected() {
        PatchException e = assertThrows(PatchException.class,
                () -> patchLive("{'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'app'}],"
                        + "'containers':[{'name':'sidecar','image':'s:2'}]}}}}"));
        assertTrue(e.getMessage().contains("doesn't match $setElementOrder list"), e.getMessage());
    }

    @Test
    void mergeDirectiveInAListAndListsOfListsAreRefused() {
        assertEquals("merging lists cannot yet be specified in the patch", assertThrows(PatchException.class,
                () -> patchLive("{'spec':{'template':{'spec':{'containers':[{'$patch':'merge'}]}}}}")).getMessage());
        PatchMeta merge = path -> FieldPatchMeta.merge("");
        PatchException e = assertThrows(PatchException.class,
                () -> StrategicMergePatch.apply(json("{'a':[[1]]}"), json("{'a':[[2]]}"), merge));
        assertEquals(422, e.code());
        assertEquals("lists of lists are not supported", e.getMessage());
    }

    @Test
    void patchMustBeAnObject() {
        PatchException e = assertThrows(PatchException.class, () -> patchLive("[]"));
        assertEquals(400, e.code());
        assertEquals("json: cannot unmarshal array into Go value of type map[string]interface {}", e.statusMessage());
    }

    @Test
    void directivesAndNullsNeverLeakIntoNewFields() {
        JsonNode out = patchLive("{'spec':{'template':{'spec':{'volumes':[{'name':'v','$retainKeys':['name','emptyDir'],"
                + "'emptyDir':{'medium':null}}],'containers':[{'name':'new','image':'n:1','env':null,"
                + "'ports':[{'containerPort':1,'$patch':'delete'}]}]}}}}");
        assertEquals(json("[{'name':'v','emptyDir':{}}]"), podSpec(out).get("volumes"));
        assertEquals(json("{'name':'new','image':'n:1','ports':[]}"), podSpec(out).at("/containers/0"));
    }

    @Test
    void withoutTagsItBehavesLikeJsonMergePatch() {
        JsonNode out = StrategicMergePatch.apply(json("{'a':{'b':1,'c':2},'l':[1,2]}"),
                json("{'a':{'b':null,'d':3},'l':[3]}"), PatchMeta.NONE);
        assertEquals(json("{'a':{'c':2,'d':3},'l':[3]}"), out);
    }

    @Test
    void inputsAreNotModified() {
        JsonNode live = json(LIVE);
        JsonNode patch = json("{'metadata':{'labels':{'tier':null}},'spec':{'strategy':{'$retainKeys':['type'],"
                + "'type':'Recreate'},'template':{'spec':{'$setElementOrder/containers':[{'name':'sidecar'},"
                + "{'name':'app'}],'containers':[{'name':'app','$patch':'delete'}]}}}}");
        JsonNode liveCopy = live.deepCopy();
        JsonNode patchCopy = patch.deepCopy();
        JsonNode out = StrategicMergePatch.apply(live, patch, DEPLOYMENT);
        assertEquals(List.of("sidecar"), names(podSpec(out).get("containers"), "name"));
        assertEquals(liveCopy, live);
        assertEquals(patchCopy, patch);
    }
}
