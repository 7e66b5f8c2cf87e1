package io.quarkube.machinery.patch;

import static io.quarkube.machinery.patch.JsonTestSupport.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class JsonMergePatchTest {

    /** RFC 7386 appendix A, one row per example (the two the API server rejects are tested below). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "{'a':'b'}                | {'a':'c'}                     | {'a':'c'}",
        "{'a':'b'}                | {'b':'c'}                     | {'a':'b','b':'c'}",
        "{'a':'b'}                | {'a':null}                    | {}",
        "{'a':'b','b':'c'}        | {'a':null}                    | {'b':'c'}",
        "{'a':['b']}              | {'a':'c'}                     | {'a':'c'}",
        "{'a':'c'}                | {'a':['b']}                   | {'a':['b']}",
        "{'a':{'b':'c'}}          | {'a':{'b':'d','c':null}}      | {'a':{'b':'d'}}",
        "{'a':[{'b':'c'}]}        | {'a':[1]}                     | {'a':[1]}",
        "['a','b']                | ['c','d']                     | ['c','d']",
        "{'a':'b'}                | ['c']                         | ['c']",
        "{'e':null}               | {'a':1}                       | {'e':null,'a':1}",
        "[1,2]                    | {'a':'b','c':null}            | {'a':'b'}",
        "{}                       | {'a':{'bb':{'ccc':null}}}     | {'a':{'bb':{}}}",
    })
    void rfc7386Examples(String target, String patch, String expected) {
        assertEquals(json(expected), JsonMergePatch.apply(json(target), json(patch)));
    }

    @Test
    void rfc7386Section3Example() {
        JsonNode target = json("{'title':'Goodbye!','author':{'givenName':'John','familyName':'Doe'},"
                + "'tags':['example','sample'],'content':'This will be unchanged'}");
        JsonNode patch = json("{'title':'Hello!','phoneNumber':'+01-123-456-7890','author':{'familyName':null},"
                + "'tags':['example']}");
        assertEquals(json("{'title':'Hello!','author':{'givenName':'John'},'tags':['example'],"
                + "'content':'This will be unchanged','phoneNumber':'+01-123-456-7890'}"),
                JsonMergePatch.apply(target, patch));
    }

    @Test
    void nullOrScalarPatchIsRejectedAsUpstreamDoes() {
        // RFC 7386 would return the patch itself; upstream's library answers ErrBadJSONPatch, a 400.
        for (String patch : new String[] {"null", "'bar'", "5", "true"}) {
            PatchException e = assertThrows(PatchException.class,
                    () -> JsonMergePatch.apply(json("{'a':'foo'}"), json(patch)));
            assertEquals(400, e.code());
            assertEquals("Invalid JSON Patch", e.statusMessage());
        }
    }

    @Test
    void labelRemovalAsKubectlLabelSendsIt() {
        JsonNode pod = json("{'metadata':{'name':'p','labels':{'app':'web','tier':'fe'}},'spec':{'containers':[{'name':'a'}]}}");
        JsonNode out = JsonMergePatch.apply(pod, json("{'metadata':{'labels':{'tier':null,'env':'prod'}}}"));
        assertEquals(json("{'app':'web','env':'prod'}"), out.at("/metadata/labels"));
        assertEquals(pod.at("/spec"), out.at("/spec"));
    }

    @Test
    void listsAreReplacedWhole() {
        JsonNode out = JsonMergePatch.apply(json("{'spec':{'containers':[{'name':'a'},{'name':'b'}]}}"),
                json("{'spec':{'containers':[{'name':'b','image':'x'}]}}"));
        assertEquals(json("{'spec':{'containers':[{'name':'b','image':'x'}]}}"), out);
    }

    @Test
    void inputsAreNotModified() {
        JsonNode target = json("{'a':{'b':1,'c':2},'d':[1]}");
        JsonNode patch = json("{'a':{'b':null,'x':{'y':null}},'d':null}");
        JsonNode targetCopy = target.deepCopy();
        JsonNode patchCopy = patch.deepCopy();
        assertEquals(json("{'a':{'c':2,'x':{}}}"), JsonMergePatch.apply(target, patch));
        assertEquals(targetCopy, target);
        assertEquals(patchCopy, patch);
    }
}
