package io.quarkube.machinery.patch;

import static io.quarkube.machinery.patch.JsonTestSupport.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonPatchTest {

    /** RFC 6902 appendix A examples that succeed (A.1-A.8, A.10, A.11, A.14, A.16). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "A.1  | {'foo':'bar'} | [{'op':'add','path':'/baz','value':'qux'}] | {'baz':'qux','foo':'bar'}",
        "A.2  | {'foo':['bar','baz']} | [{'op':'add','path':'/foo/1','value':'qux'}] | {'foo':['bar','qux','baz']}",
        "A.3  | {'baz':'qux','foo':'bar'} | [{'op':'remove','path':'/baz'}] | {'foo':'bar'}",
        "A.4  | {'foo':['bar','qux','baz']} | [{'op':'remove','path':'/foo/1'}] | {'foo':['bar','baz']}",
        "A.5  | {'baz':'qux','foo':'bar'} | [{'op':'replace','path':'/baz','value':'boo'}] | {'baz':'boo','foo':'bar'}",
        "A.6  | {'foo':{'bar':'baz','waldo':'fred'},'qux':{'corge':'grault'}} "
                + "| [{'op':'move','from':'/foo/waldo','path':'/qux/thud'}] "
                + "| {'foo':{'bar':'baz'},'qux':{'corge':'grault','thud':'fred'}}",
        "A.7  | {'foo':['all','grass','cows','eat']} | [{'op':'move','from':'/foo/1','path':'/foo/3'}] "
                + "| {'foo':['all','cows','eat','grass']}",
        "A.8  | {'baz':'qux','foo':['a',2,'c']} "
                + "| [{'op':'test','path':'/baz','value':'qux'},{'op':'test','path':'/foo/1','value':2}] "
                + "| {'baz':'qux','foo':['a',2,'c']}",
        "A.10 | {'foo':'bar'} | [{'op':'add','path':'/child','value':{'grandchild':{}}}] "
                + "| {'foo':'bar','child':{'grandchild':{}}}",
        "A.11 | {'foo':'bar'} | [{'op':'add','path':'/baz','value':'qux','xyz':123}] | {'foo':'bar','baz':'qux'}",
        "A.14 | {'/':9,'~1':10} | [{'op':'test','path':'/~01','value':10}] | {'/':9,'~1':10}",
        "A.16 | {'foo':['bar']} | [{'op':'add','path':'/foo/-','value':['abc','def']}] | {'foo':['bar',['abc','def']]}",
        "copy | {'a':{'b':1}} | [{'op':'copy','from':'/a','path':'/c'}] | {'a':{'b':1},'c':{'b':1}}",
        "esc  | {'a/b':1,'m~n':2} | [{'op':'remove','path':'/a~1b'},{'op':'replace','path':'/m~0n','value':3}] | {'m~n':3}",
        "neg  | {'foo':['a','b']} | [{'op':'add','path':'/foo/-1','value':'c'},{'op':'remove','path':'/foo/0'}] "
                + "| {'foo':['b','c']}",
        "root | {'a':1} | [{'op':'replace','path':'','value':{'b':2}}] | {'b':2}",
    })
    void rfc6902Examples(String name, String doc, String patch, String expected) {
        assertEquals(json(expected), JsonPatch.apply(json(doc), json(patch)));
    }

    /** RFC 6902 A.9, A.12, A.15 and other failures, with upstream's (evanphx/json-patch v4) messages. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "A.9  | {'baz':'qux'} | [{'op':'test','path':'/baz','value':'bar'}] | testing value /baz failed: test failed",
        "A.12 | {'foo':'bar'} | [{'op':'add','path':'/baz/bat','value':'qux'}] "
                + "| add operation does not apply: doc is missing path: \"/baz/bat\": missing value",
        "A.15 | {'/':9,'~1':10} | [{'op':'test','path':'/~01','value':'10'}] | testing value /~01 failed: test failed",
        "miss | {'spec':{}} | [{'op':'add','path':'/spec/x/y','value':1}] "
                + "| add operation does not apply: doc is missing path: \"/spec/x/y\": missing value",
        "rm   | {'a':1} | [{'op':'remove','path':'/x'}] "
                + "| error in remove for path: '/x': Unable to remove nonexistent key: x: missing value",
        "idx  | {'a':[1]} | [{'op':'remove','path':'/a/1'}] "
                + "| error in remove for path: '/a/1': Unable to access invalid index: 1: invalid index referenced",
        "addi | {'a':[1]} | [{'op':'add','path':'/a/5','value':2}] "
                + "| error in add for path: '/a/5': Unable to access invalid index: 5: invalid index referenced",
        "nan  | {'a':[1]} | [{'op':'add','path':'/a/x','value':2}] | error in add for path: '/a/x': value was not a "
                + "proper array index: 'x': strconv.Atoi: parsing \"x\": invalid syntax",
        "repl | {'a':[1]} | [{'op':'replace','path':'/a/3','value':2}] "
                + "| replace operation does not apply: doc is missing key: /a/3: missing value",
        "mvto | {'a':{'b':1}} | [{'op':'move','from':'/a','path':'/a/b/c'}] "
                + "| move operation does not apply: doc is missing destination path: /a/b/c: missing value",
        "kind | {'a':1} | [{'op':'frobnicate','path':'/a'}] | Unexpected kind: frobnicate",
        "nop  | {'a':1} | [{'path':'/a'}] | Unexpected kind: unknown",
        "path | {'a':1} | [{'op':'add','value':1}] | add operation failed to decode path: missing value",
        "from | {'a':1} | [{'op':'copy','path':'/b'}] "
                + "| copy operation failed to decode from: operation, missing from field: missing value",
    })
    void failuresAre422WithUpstreamDetail(String name, String doc, String patch, String detail) {
        PatchException e = assertThrows(PatchException.class, () -> JsonPatch.apply(json(doc), json(patch)));
        assertEquals(detail, e.getMessage());
        assertEquals(422, e.code());
        assertEquals("Invalid", e.reason());
        assertEquals(PatchException.INVALID_MESSAGE, e.statusMessage());
        assertEquals(json("{'kind':'Status','apiVersion':'v1','metadata':{},'status':'Failure','message':"
                + "'the server rejected our request due to an error in our request','reason':'Invalid',"
                + "'details':{},'code':422}"), e.toStatus());
    }

    @Test
    void patchThatIsNotAListOfOperationsIs400() {
        PatchException e = assertThrows(PatchException.class,
                () -> JsonPatch.apply(json("{}"), json("{'op':'add','path':'/a','value':1}")));
        assertEquals(400, e.code());
        assertEquals("json: cannot unmarshal object into Go value of type jsonpatch.Patch", e.statusMessage());
        e = assertThrows(PatchException.class, () -> JsonPatch.apply(json("{}"), json("['add']")));
        assertEquals("json: cannot unmarshal string into Go value of type jsonpatch.Operation", e.getMessage());
    }

    @Test
    void tooManyOperationsIs413() {
        ArrayNode ops = Json.NODES.arrayNode();
        for (int i = 0; i <= JsonPatch.MAX_OPERATIONS; i++) {
            ops.add(json("{'op':'test','path':'/a','value':1}"));
        }
        PatchException e = assertThrows(PatchException.class, () -> JsonPatch.apply(json("{'a':1}"), ops));
        assertEquals(413, e.code());
        assertEquals("The allowed maximum operations in a JSON patch is 10000, got 10001", e.getMessage());
        assertEquals("Request entity too large: " + e.getMessage(), e.statusMessage());
    }

    @Test
    void failedPatchChangesNothingAndLaterOpsDoNotRun() {
        JsonNode doc = json("{'a':1}");
        assertThrows(PatchException.class, () -> JsonPatch.apply(doc,
                json("[{'op':'replace','path':'/a','value':2},{'op':'test','path':'/a','value':3}]")));
        assertEquals(json("{'a':1}"), doc);
    }

    @Test
    void testOfAbsentMemberAgainstNullPassesLikeUpstream() {
        JsonNode doc = json("{'a':1}");
        assertEquals(doc, JsonPatch.apply(doc, json("[{'op':'test','path':'/missing','value':null}]")));
    }

    @Test
    void rolloutUndoReplacesTemplateAndAnnotations() {
        JsonNode deployment = json("{'apiVersion':'apps/v1','kind':'Deployment',"
                + "'metadata':{'name':'web','annotations':{'deployment.kubernetes.io/revision':'2','team':'x'}},"
                + "'spec':{'replicas':3,'template':{'metadata':{'labels':{'app':'web'}},"
                + "'spec':{'containers':[{'name':'web','image':'web:2'}]}}}}");
        JsonNode undo = json("[{'op':'replace','path':'/spec/template','value':{'metadata':{'labels':{'app':'web'}},"
                + "'spec':{'containers':[{'name':'web','image':'web:1'}]}}},"
                + "{'op':'replace','path':'/metadata/annotations','value':{'deployment.kubernetes.io/revision':'2'}}]");
        JsonNode out = JsonPatch.apply(deployment, undo);
        assertEquals("web:1", out.at("/spec/template/spec/containers/0/image").asText());
        assertEquals(json("{'deployment.kubernetes.io/revision':'2'}"), out.at("/metadata/annotations"));
        assertEquals(3, out.at("/spec/replicas").asInt());
        assertEquals("web:2", deployment.at("/spec/template/spec/containers/0/image").asText());
    }
}
