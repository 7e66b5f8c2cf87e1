package io.quarkube.machinery.apply;

import static io.quarkube.machinery.apply.Json.any;
import static io.quarkube.machinery.apply.Json.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Merge behaviour of structured-merge-diff (its typed merge cases), over an equivalent OpenAPI schema. */
class TypedMergeTest {

    static final Schema SCHEMA = Schema.fromOpenApiV3(json("""
        {'type':'object','properties':{
          'setStr':{'type':'array','x-kubernetes-list-type':'set','items':{'type':'string'}},
          'setBool':{'type':'array','x-kubernetes-list-type':'set','items':{'type':'boolean'}},
          'setNumeric':{'type':'array','x-kubernetes-list-type':'set','items':{'type':'number'}},
          'atomicList':{'type':'array','items':{'type':'string'}},
          'inner':{'type':'object','additionalProperties':{'type':'string'}},
          'list':{'type':'array','x-kubernetes-list-type':'map','x-kubernetes-list-map-keys':['key','id'],
            'items':{'type':'object','properties':{'key':{'type':'string'},'id':{'type':'number'},
              'value':{'type':'object','additionalProperties':{'type':'string'}},'bv':{'type':'boolean'},
              'nv':{'type':'number'}}}}}}
        """));

    @ParameterizedTest(name = "{0} + {1}")
    @CsvSource(delimiter = '|', value = {
        "{}                                   | {'inner':{}}                  | {'inner':{}}",
        "{}                                   | {'inner':null}                | {'inner':null}",
        "{'inner':null}                       | {'inner':{}}                  | {'inner':{}}",
        "{'inner':{}}                         | {'inner':null}                | {'inner':null}",
        "{'atomicList':['a','b','c']}         | {'atomicList':[]}             | {'atomicList':[]}",
        "{'atomicList':['a','a','a']}         | {'atomicList':null}           | {'atomicList':null}",
        "{'setStr':['a','b','c']}             | {'setStr':['a','b']}          | {'setStr':['a','b','c']}",
        "{'setStr':['a','b','c']}             | {'setStr':[]}                 | {'setStr':['a','b','c']}",
        "{'setStr':['a','b']}                 | {'setStr':['b','a']}          | {'setStr':['b','a']}",
        "{'setStr':['a','b','c','g','f']}     | {'setStr':['c','d','e','f']}  | {'setStr':['a','b','c','g','d','e','f']}",
        "{'setStr':['c','d','e','f']}         | {'setStr':['a','c','e']}      | {'setStr':['a','c','d','e','f']}",
        "{'setStr':['a','b','c','x','y','z']} | {'setStr':['d','e','f','x','y','z']} | {'setStr':['a','b','c','d','e','f','x','y','z']}",
        "{'setStr':['c','a','g','f']}         | {'setStr':['c','f','a','g']}  | {'setStr':['c','f','a','g']}",
        "{'setStr':['a','b','c','d']}         | {'setStr':['d','e','f','a']}  | {'setStr':['b','c','d','e','f','a']}",
        "{'setStr':['c','d','e','f','g','h','i','j']} | {'setStr':['2','h','3','e','4','k','l']} | {'setStr':['c','d','f','g','2','h','i','j','3','e','4','k','l']}",
        "{'setStr':['a','b','c','d','e','f','g','h','i','j']} | {'setStr':['1','b','2','h','3','e','4','k','l']} | {'setStr':['a','1','b','c','d','f','g','2','h','i','j','3','e','4','k','l']}",
        "{'setStr':['a','b','b']}             | {'setStr':['c']}              | {'setStr':['a','b','b','c']}",
        "{'setStr':['a','b','b']}             | {'setStr':['b']}              | {'setStr':['a','b']}",
        "{'setStr':['a','b','c','d','e','c']} | {'setStr':['1','b','2','e','d']} | {'setStr':['a','1','b','c','2','e','c','d']}",
        "{'setStr':['a','b','c','d','e','c']} | {'setStr':['1','b','2','c','e','d']} | {'setStr':['a','1','b','2','c','e','d']}",
        "{'setStr':['a','a','b','b']}         | {'setStr':['b','c','d']}      | {'setStr':['a','a','b','c','d']}",
        "{'setBool':[true]}                   | {'setBool':[false]}           | {'setBool':[true,false]}",
        "{'setNumeric':[1,2,3.14159]}         | {'setNumeric':[1,2,3]}        | {'setNumeric':[1,2,3.14159,3]}",
        "{'setBool':[true,false,true]}        | {'setBool':[true]}            | {'setBool':[true,false]}",
        "{'list':[{'key':'a','id':1,'value':{'a':'a'}}]} | {'list':[{'key':'a','id':2,'value':{'a':'a'}}]} | {'list':[{'key':'a','id':1,'value':{'a':'a'}},{'key':'a','id':2,'value':{'a':'a'}}]}",
        "{'list':[{'key':'a','id':1},{'key':'b','id':1}]} | {'list':[{'key':'a','id':1},{'key':'a','id':2}]} | {'list':[{'key':'a','id':1},{'key':'b','id':1},{'key':'a','id':2}]}",
        "{'list':[{'key':'b','id':2}]} | {'list':[{'key':'a','id':1},{'key':'b','id':2},{'key':'c','id':3}]} | {'list':[{'key':'a','id':1},{'key':'b','id':2},{'key':'c','id':3}]}",
        "{'list':[{'key':'a','id':1},{'key':'b','id':2},{'key':'c','id':3}]} | {'list':[{'key':'c','id':3},{'key':'b','id':2}]} | {'list':[{'key':'a','id':1},{'key':'c','id':3},{'key':'b','id':2}]}",
        "{'list':[{'key':'a','id':1},{'key':'b','id':2},{'key':'c','id':3}]} | {'list':[{'key':'c','id':3},{'key':'a','id':1}]} | {'list':[{'key':'b','id':2},{'key':'c','id':3},{'key':'a','id':1}]}",
        "{'list':[{'key':'a','id':1,'bv':true},{'key':'b','id':2},{'key':'a','id':1,'bv':false,'nv':2}]} | {'list':[{'key':'a','id':1,'nv':3},{'key':'c','id':3},{'key':'b','id':2}]} | {'list':[{'key':'a','id':1,'nv':3},{'key':'c','id':3},{'key':'b','id':2}]}",
        "{'list':[{'key':'a','id':1,'nv':1},{'key':'a','id':1,'nv':2}]} | {} | {'list':[{'key':'a','id':1,'nv':1},{'key':'a','id':1,'nv':2}]}",
    })
    void mergesLikeStructuredMergeDiff(String lhs, String rhs, String expected) {
        JsonNode got = Typed.merge(any(lhs), any(rhs), SCHEMA);
        assertTrue(Values.equal(any(expected), got), () -> "expected " + expected + " but got " + got);
    }

    @Test
    void comparesLikeStructuredMergeDiff() {
        Typed.Comparison c = Typed.compare(
                any("{'setStr':['a','b'],'inner':{'x':'1','y':'2'},'list':[{'key':'a','id':1,'nv':1}]}"),
                any("{'setStr':['b','c'],'inner':{'x':'9'},'list':[{'key':'a','id':1,'nv':2},{'key':'b','id':1}]}"),
                SCHEMA);
        assertEquals("{\"f:inner\":{\"f:y\":{}},\"f:setStr\":{\"v:\\\"a\\\"\":{}}}", c.removed().toJson());
        assertEquals("{\"f:inner\":{\"f:x\":{}},\"f:list\":{\"k:{\\\"id\\\":1,\\\"key\\\":\\\"a\\\"}\":{\"f:nv\":{}}}}",
                c.modified().toJson());
        assertEquals("{\"f:list\":{\"k:{\\\"id\\\":1,\\\"key\\\":\\\"b\\\"}\":{\".\":{},\"f:id\":{},\"f:key\":{}}},"
                + "\"f:setStr\":{\"v:\\\"c\\\"\":{}}}", c.added().toJson());
    }

    @Test
    void listItemsWithTheSameKeyMatchWhateverTheNumbersJavaType() {
        // Keys hash by value now (items of one list share their key names): equal keys must still meet.
        PathElement asInt = PathElement.key("id", com.fasterxml.jackson.databind.node.IntNode.valueOf(8080),
                "key", "a");
        PathElement asLong = PathElement.key("id", com.fasterxml.jackson.databind.node.LongNode.valueOf(8080L),
                "key", "a");
        PathElement asDouble = PathElement.key("id", com.fasterxml.jackson.databind.node.DoubleNode.valueOf(8080.0),
                "key", "a");
        assertEquals(asInt, asLong);
        assertEquals(asInt.hashCode(), asLong.hashCode());
        assertEquals(asInt, asDouble);
        assertEquals(asInt.hashCode(), asDouble.hashCode());
        com.fasterxml.jackson.databind.node.ObjectNode lhs = (com.fasterxml.jackson.databind.node.ObjectNode) any(
                "{'list':[{'key':'a','id':8080,'nv':1},{'key':'b','id':1}]}");
        com.fasterxml.jackson.databind.node.ObjectNode rhs = lhs.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) rhs.get("list").get(0)).put("id", 8080L).put("nv", 2);
        Typed.Comparison c = Typed.compare(lhs, rhs, SCHEMA);
        assertEquals("{\"f:list\":{\"k:{\\\"id\\\":8080,\\\"key\\\":\\\"a\\\"}\":{\"f:nv\":{}}}}",
                c.modified().toJson());
        assertTrue(c.added().isEmpty());
        assertTrue(c.removed().isEmpty());
    }

    @Test
    void removesItemsByPath() {
        JsonNode v = any("{'setStr':['a','b'],'inner':{'x':'1','y':'2'},'list':[{'key':'a','id':1,'nv':1}]}");
        FieldSet remove = FieldSet.of(
                FieldPath.of(PathElement.field("setStr"), PathElement.value("a")),
                FieldPath.of(PathElement.field("inner"), PathElement.field("y")),
                FieldPath.of(PathElement.field("list"), PathElement.key("key", "a", "id", 1), PathElement.field("nv")));
        assertEquals(any("{'setStr':['b'],'inner':{'x':'1'},'list':[{'key':'a','id':1}]}"),
                Typed.removeItems(v, remove, SCHEMA));
    }
}
