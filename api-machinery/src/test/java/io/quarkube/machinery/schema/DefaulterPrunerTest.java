package io.quarkube.machinery.schema;

import static io.quarkube.machinery.schema.TestJson.json;
import static io.quarkube.machinery.schema.TestJson.schema;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cases from upstream's {@code defaulting/algorithm_test.go}, {@code prunenulls_test.go} and {@code pruning/algorithm_test.go}. */
class DefaulterPrunerTest {

    private static JsonNode defaulted(String object, String schema) {
        JsonNode in = json(object);
        Defaulter.applyTo(in, schema(schema));
        return in;
    }

    @Test
    void defaults() {
        assertEquals(json("4"), defaulted("4", "{'default':'foo'}"));
        assertEquals(json("[1,2]"), defaulted("[1,2]", "{'items':{'default':'foo'}}"));
        assertEquals(json("[{'a':1,'b':'B','c':'C'},{'a':'A','b':1,'c':'C'},{'a':'A','b':'B','c':1}]"),
                defaulted("[{'a':1},{'b':1},{'c':1}]", "{'items':{'properties':{'a':{'default':'A'},"
                        + "'b':{'default':'B'},'c':{'default':'C'}}}}"));
        assertEquals(json("{'array':[{'a':1,'b':'B'},{'a':'A','b':2}],'object':{'a':1,'b':'O'},"
                + "'additionalProperties':{'x':{'a':1,'b':'beta'},'y':{'a':'alpha','b':2}},'foo':'bar'}"),
                defaulted("{'array':[{'a':1},{'b':2}],'object':{'a':1},'additionalProperties':{'x':{'a':1},'y':{'b':2}}}",
                        "{'properties':{'array':{'items':{'properties':{'a':{'default':'A'},'b':{'default':'B'}}}},"
                                + "'object':{'properties':{'a':{'default':'N'},'b':{'default':'O'}}},"
                                + "'additionalProperties':{'additionalProperties':{'properties':{"
                                + "'a':{'default':'alpha'},'b':{'default':'beta'}}}},'foo':{'default':'bar'}}}"));
        assertEquals(json("[{'a':'A'},{'a':1},{'a':0},{'a':0.0},{'a':''},{'a':'A'},{'a':[]},{'a':{}}]"),
                defaulted("[{},{'a':1},{'a':0},{'a':0.0},{'a':''},{'a':null},{'a':[]},{'a':{}}]",
                        "{'items':{'properties':{'a':{'default':'A'}}}}"));
        assertEquals(json("[null]"), defaulted("[null]", "{'nullable':true,'items':{'properties':{'a':{'default':'A'}}}}"));
        assertEquals(json("['A']"), defaulted("[null]", "{'items':{'default':'A'}}"));
        assertEquals(json("{'a':null}"), defaulted("{'a':null}", "{'properties':{'a':{'nullable':true,'default':'A'}}}"));
        assertEquals(json("{'a':'A'}"), defaulted("{'a':null}", "{'properties':{'a':{'default':'A'}}}"));
        assertEquals(json("{'a':null}"), defaulted("{'a':null}",
                "{'additionalProperties':{'nullable':true,'default':'A'}}"));
        assertEquals(json("{'a':'A'}"), defaulted("{'a':null}", "{'additionalProperties':{'default':'A'}}"));
        assertEquals(json("{'a':null}"), defaulted("{'a':null}", "{'additionalProperties':true}"));
    }

    @Test
    void defaultsOnlyWhereTheParentExistsAndInsideDefaults() {
        String s = "{'type':'object','properties':{'spec':{'type':'object','properties':{"
                + "'replicas':{'type':'integer','default':1},"
                + "'template':{'type':'object','default':{},'properties':{'image':{'type':'string','default':'nginx'}}}}}}}";
        ObjectNode noSpec = (ObjectNode) json("{'apiVersion':'x/v1','kind':'X'}");
        Defaulter.apply(noSpec, schema(s));
        assertEquals(json("{'apiVersion':'x/v1','kind':'X'}"), noSpec);
        ObjectNode withSpec = (ObjectNode) json("{'spec':{}}");
        Defaulter.apply(withSpec, schema(s));
        assertEquals(json("{'spec':{'replicas':1,'template':{'image':'nginx'}}}"), withSpec);
    }

    @Test
    void defaultsAreCopies() {
        StructuralSchema s = schema("{'properties':{'a':{'default':{'x':[1]}},'b':{'default':{'x':[1]}}}}");
        ObjectNode o1 = (ObjectNode) json("{}");
        Defaulter.apply(o1, s);
        ((ObjectNode) o1.get("a")).put("y", 2);
        ObjectNode o2 = (ObjectNode) json("{}");
        Defaulter.apply(o2, s);
        assertEquals(json("{'a':{'x':[1]},'b':{'x':[1]}}"), o2);
    }

    @Test
    void pruneNonNullableNullsWithoutDefaults() {
        JsonNode o = json("{'a':null,'b':null,'c':null,'d':null,'e':{'x':null},'unknown':null}");
        Pruner.pruneNonNullableNullsWithoutDefaults(o, schema("{'properties':{'a':{},'b':{'nullable':true},"
                + "'c':{'default':'C'},'e':{'additionalProperties':{}}},'additionalProperties':{}}"));
        assertEquals(json("{'b':null,'c':null,'e':{}}"), o);
    }

    private static List<String> prune(JsonNode o, String schema, boolean root) {
        return Pruner.prune(o, schema == null ? null : schema(schema), root);
    }

    @Test
    void pruning() {
        JsonNode o = json("[{'a':1},{'b':1},{'a':1,'b':2,'c':3}]");
        assertEquals(List.of("[1].b", "[2].b"), prune(o, "{'items':{'properties':{'a':{},'c':{}}}}", false));
        assertEquals(json("[{'a':1},{},{'a':1,'c':3}]"), o);

        o = json("[{'a':1},{'b':1},{'a':1,'b':2,'c':3}]");
        assertEquals(List.of("[0].a", "[1].b", "[2].a", "[2].b", "[2].c"), prune(o, null, false));
        assertEquals(json("[{},{},{}]"), o);

        o = json("{'array':[{'a':1},{'b':1},{'a':1,'b':2,'c':3}],'unspecified':{'a':1},'specified':{'a':1,'b':2,'c':3}}");
        assertEquals(List.of("array[1].b", "array[2].b", "specified.b", "unspecified"),
                prune(o, "{'properties':{'array':{'items':{'properties':{'a':{},'c':{}}}},"
                        + "'specified':{'properties':{'a':{},'c':{}}}}}", false));
        assertEquals(json("{'array':[{'a':1},{},{'a':1,'c':3}],'specified':{'a':1,'c':3}}"), o);

        o = json("{'a':1,'b':1,'c':{'a':1,'b':2,'c':{'a':1}}}");
        assertEquals(List.of("b", "c.c.a"),
                prune(o, "{'properties':{'a':{},'c':{'additionalProperties':{'type':'integer'}}}}", false));
        assertEquals(json("{'a':1,'c':{'a':1,'b':2,'c':{}}}"), o);

        o = json("{'a':1,'b':1,'c':{'a':1,'b':2,'c':{'a':1,'apiVersion':'unknown'}}}");
        assertEquals(List.of("b", "c.c.a", "c.c.apiVersion"),
                prune(o, "{'properties':{'a':{},'c':{'additionalProperties':false}}}", false));
        assertEquals(json("{'a':1,'c':{'a':1,'b':2,'c':{}}}"), o);
    }

    @Test
    void preserveUnknownFields() {
        JsonNode o = json("{'unspecified':'bar','alpha':'abc','beta':42.0,'unspecifiedObject':{'unspecified':'bar'},"
                + "'pruning':{'unspecified':'bar','unspecifiedObject':{'unspecified':'bar'},"
                + "'pruning':{'unspecified':'bar'},'apiVersion':'unknown','preserving':{'unspecified':'bar'}},"
                + "'preserving':{'unspecified':'bar','unspecifiedObject':{'unspecified':'bar'},"
                + "'pruning':{'unspecified':'bar'},'preserving':{'unspecified':'bar'},"
                + "'preservingUnknownType':[{'foo':true},{'bar':true}]},"
                + "'preservingAdditionalPropertiesNotInheritingXPreserveUnknownFields':{'foo':{'specified':{"
                + "'unspecified':'bar'},'unspecified':'bar'}},"
                + "'preservingAdditionalPropertiesKeyPruneValues':{'foo':{'specified':{'unspecified':'bar'},"
                + "'unspecified':'bar'}}}");
        String s = "{'type':'object','x-kubernetes-preserve-unknown-fields':true,'properties':{"
                + "'alpha':{'type':'string'},'beta':{'type':'number'},"
                + "'pruning':{'type':'object','properties':{'preserving':{'type':'object',"
                + "'x-kubernetes-preserve-unknown-fields':true},'pruning':{'type':'object'}}},"
                + "'preserving':{'type':'object','x-kubernetes-preserve-unknown-fields':true,'properties':{"
                + "'preserving':{'type':'object','x-kubernetes-preserve-unknown-fields':true},"
                + "'preservingUnknownType':{'x-kubernetes-preserve-unknown-fields':true},"
                + "'pruning':{'type':'object'}}},"
                + "'preservingAdditionalPropertiesNotInheritingXPreserveUnknownFields':{"
                + "'x-kubernetes-preserve-unknown-fields':true,'type':'object','additionalProperties':{'type':'object',"
                + "'properties':{'specified':{'type':'object'}}}},"
                + "'preservingAdditionalPropertiesKeyPruneValues':{'type':'object','additionalProperties':{"
                + "'type':'object','properties':{'specified':{'type':'object'}}}}}}";
        assertEquals(List.of("preserving.pruning.unspecified",
                "preservingAdditionalPropertiesKeyPruneValues.foo.specified.unspecified",
                "preservingAdditionalPropertiesKeyPruneValues.foo.unspecified",
                "preservingAdditionalPropertiesNotInheritingXPreserveUnknownFields.foo.specified.unspecified",
                "preservingAdditionalPropertiesNotInheritingXPreserveUnknownFields.foo.unspecified",
                "pruning.apiVersion", "pruning.pruning.unspecified", "pruning.unspecified", "pruning.unspecifiedObject"),
                prune(o, s, false));
        assertEquals(json("{'unspecified':'bar','alpha':'abc','beta':42.0,'unspecifiedObject':{'unspecified':'bar'},"
                + "'pruning':{'pruning':{},'preserving':{'unspecified':'bar'}},"
                + "'preserving':{'unspecified':'bar','unspecifiedObject':{'unspecified':'bar'},'pruning':{},"
                + "'preserving':{'unspecified':'bar'},'preservingUnknownType':[{'foo':true},{'bar':true}]},"
                + "'preservingAdditionalPropertiesNotInheritingXPreserveUnknownFields':{'foo':{'specified':{}}},"
                + "'preservingAdditionalPropertiesKeyPruneValues':{'foo':{'specified':{}}}}"), o);
    }

    @Test
    void embeddedResourcesAndTheRoot() {
        String s = "{'type':'object','properties':{"
                + "'pruned':{'type':'object','x-kubernetes-embedded-resource':true,'properties':{'spec':{'type':'object'}}},"
                + "'preserving':{'type':'object','x-kubernetes-embedded-resource':true,"
                + "'x-kubernetes-preserve-unknown-fields':true},"
                + "'nested':{'type':'object','x-kubernetes-embedded-resource':true,'properties':{'spec':{'type':'object',"
                + "'properties':{'embedded':{'type':'object','x-kubernetes-embedded-resource':true,'properties':{"
                + "'spec':{'type':'object'}}}}}}}}}";
        String embedded = "{'apiVersion':'foo/v1','kind':'Foo','unspecified':'bar','metadata':{'name':'instance',"
                + "'unspecified':'bar'},'spec':{'unspecified':'bar'}}";
        String in = "{'apiVersion':'foo/v1','kind':'Foo','metadata':{'name':'instance','unspecified':'bar'},"
                + "'unspecified':'bar','pruned':" + embedded + ",'preserving':" + embedded + ","
                + "'nested':{'apiVersion':'foo/v1','kind':'Foo','unspecified':'bar','metadata':{'name':'instance',"
                + "'unspecified':'bar'},'spec':{'unspecified':'bar','embedded':" + embedded + "}}}";
        String prunedEmbedded = "{'apiVersion':'foo/v1','kind':'Foo','metadata':{'name':'instance','unspecified':'bar'},"
                + "'spec':{}}";
        List<String> expected = List.of("nested.spec.embedded.spec.unspecified", "nested.spec.embedded.unspecified",
                "nested.spec.unspecified", "nested.unspecified", "pruned.spec.unspecified", "pruned.unspecified",
                "unspecified");

        JsonNode o = json(in);
        assertEquals(expected, prune(o, s, false));
        assertEquals(json("{'pruned':" + prunedEmbedded + ",'preserving':" + embedded + ",'nested':{'apiVersion':'foo/v1',"
                + "'kind':'Foo','metadata':{'name':'instance','unspecified':'bar'},'spec':{'embedded':" + prunedEmbedded
                + "}}}"), o);

        o = json(in);
        assertEquals(expected, prune(o, s, true));
        assertEquals(json("{'apiVersion':'foo/v1','kind':'Foo','metadata':{'name':'instance','unspecified':'bar'},"
                + "'pruned':" + prunedEmbedded + ",'preserving':" + embedded + ",'nested':{'apiVersion':'foo/v1',"
                + "'kind':'Foo','metadata':{'name':'instance','unspecified':'bar'},'spec':{'embedded':" + prunedEmbedded
                + "}}}"), o);
    }

    @Test
    void strictFieldValidationPaths() {
        JsonNode o = json("{'apiVersion':'x/v1','kind':'X','metadata':{'name':'a'},'spec':{'foo':1,'replicas':2,"
                + "'containers':[{'name':'c','bar':true}]}}");
        List<String> unknown = Pruner.prune(o, schema("{'type':'object','properties':{'spec':{'type':'object',"
                + "'properties':{'replicas':{'type':'integer'},'containers':{'type':'array','items':{'type':'object',"
                + "'properties':{'name':{'type':'string'}}}}}}}}"), true);
        assertEquals(List.of("spec.containers[0].bar", "spec.foo"), unknown);
        assertEquals(json("{'apiVersion':'x/v1','kind':'X','metadata':{'name':'a'},'spec':{'replicas':2,"
                + "'containers':[{'name':'c'}]}}"), o);
    }
}
