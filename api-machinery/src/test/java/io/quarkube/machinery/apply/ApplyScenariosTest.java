package io.quarkube.machinery.apply;

import static io.quarkube.machinery.apply.Json.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Multi-step scenarios of structured-merge-diff's merge tests, run through the field manager on a custom resource. */
class ApplyScenariosTest {

    static final Schema SCHEMA = Schema.customResource(json("""
        {'type':'object','properties':{
          'numeric':{'type':'integer'},'string':{'type':'string'},'bool':{'type':'boolean'},
          'list':{'type':'array','x-kubernetes-list-type':'map','x-kubernetes-list-map-keys':['name'],
            'items':{'type':'object','properties':{'name':{'type':'string'},'value':{'type':'integer'}}}}}}
        """));

    private ObjectNode live;
    private int step;

    private static ObjectNode object(String body) {
        ObjectNode o = json("{'apiVersion':'ex.com/v1','kind':'Thing','metadata':{'name':'t'}}");
        o.setAll(json(body));
        return o;
    }

    private Instant now() {
        return Instant.parse("2024-01-01T00:00:00Z").plusSeconds(step++);
    }

    private void apply(String manager, String body) {
        ApplyResult r = FieldManager.apply(live, object(body), manager, false, "ex.com/v1", now(), SCHEMA);
        live = r.object();
        live.with("metadata").put("uid", "u");
    }

    private void update(String manager, String body) {
        ObjectNode next = live.deepCopy();
        ObjectNode o = object(body);
        for (String f : new String[] {"numeric", "string", "bool", "list"}) {
            next.remove(f);
        }
        o.remove("metadata");
        next.setAll(o);
        FieldManager.update(live, next, manager, "ex.com/v1", "", now(), SCHEMA).writeTo(next);
        live = next;
    }

    private ObjectNode content() {
        ObjectNode o = live.deepCopy();
        o.remove("apiVersion");
        o.remove("kind");
        o.remove("metadata");
        return o;
    }

    private Map<String, String> managed() {
        Map<String, String> out = new TreeMap<>();
        for (ManagedFieldsEntry e : ManagedFields.read(live).entries()) {
            out.put(e.manager(), e.fieldsV1().toJson());
        }
        return out;
    }

    @Test
    void removeOneKeepOne() {
        apply("apply-one", "{'list':[{'name':'a'},{'name':'b'},{'name':'c'}]}");
        apply("apply-two", "{'list':[{'name':'c'},{'name':'d'}]}");
        apply("apply-one", "{'list':[{'name':'a'}]}");
        assertEquals(json("{'list':[{'name':'a'},{'name':'c'},{'name':'d'}]}"), content());
        assertEquals(Map.of(
                "apply-one", "{\"f:list\":{\"k:{\\\"name\\\":\\\"a\\\"}\":{\".\":{},\"f:name\":{}}}}",
                "apply-two", "{\"f:list\":{\"k:{\\\"name\\\":\\\"c\\\"}\":{\".\":{},\"f:name\":{}},"
                        + "\"k:{\\\"name\\\":\\\"d\\\"}\":{\".\":{},\"f:name\":{}}}}"), managed());
    }

    @Test
    void changingASharedItemValueConflicts() {
        apply("apply-one", "{'list':[{'name':'a','value':0}]}");
        apply("apply-two", "{'list':[{'name':'a','value':0}]}");
        ApplyConflictException e = assertThrows(ApplyConflictException.class,
                () -> FieldManager.apply(live, object("{'list':[{'name':'a','value':1}]}"), "apply-two", false,
                        "ex.com/v1", now(), SCHEMA));
        assertEquals("Apply failed with 1 conflict: conflict with \"apply-one\": .list[name=\"a\"].value",
                e.getMessage());
    }

    @Test
    void applyUpdateApplyWithoutConflict() {
        apply("default", "{'numeric':1,'string':'string'}");
        update("controller", "{'numeric':1,'string':'string','bool':true}");
        apply("default", "{'numeric':2,'string':'string'}");
        assertEquals(json("{'numeric':2,'string':'string','bool':true}"), content());
        assertEquals(Map.of("default", "{\"f:numeric\":{},\"f:string\":{}}", "controller", "{\"f:bool\":{}}"),
                managed());
    }

    @Test
    void aFieldTakenOverByAnUpdaterSurvivesTheApplierDroppingIt() {
        apply("default", "{'numeric':2}");
        update("controller", "{'numeric':1}");
        apply("default", "{}");
        assertEquals(json("{'numeric':1}"), content());
        assertEquals(Map.of("controller", "{\"f:numeric\":{}}"), managed());
    }

    @Test
    void applyingNothingRemovesTheApplier() {
        apply("default", "{'string':'string'}");
        apply("default", "{}");
        assertEquals(json("{}"), content());
        assertEquals(Map.of(), managed());
    }
}
