package io.quarkube.machinery.jsonpath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cases from client-go's {@code util/jsonpath/jsonpath_test.go} and {@code parser_test.go}. */
class JsonPathTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static String exec(String template, JsonNode data, boolean allowMissingKeys) {
        return JsonPath.parse(template).execute(data, allowMissingKeys);
    }

    private static String exec(String template, JsonNode data) {
        return exec(template, data, false);
    }

    private static String error(String template, JsonNode data) {
        return assertThrows(JsonPathException.class, () -> exec(template, data)).getMessage();
    }

    private static final JsonNode TYPES = json("{'bools':[true,false,true,false],'integers':[1,2,3,4],"
            + "'floats':[1.0,2.2,3.3,4.0],'strings':['one','two','three','four'],'interfaces':[true,'one',1,1.1],"
            + "'maps':[{'name':'one','value':1},{'name':'two','value':2.02},{'name':'three','value':3.03},"
            + "{'name':'four','value':4.04}]}");

    @Test
    void typesInput() {
        assertEquals("[true,false,true,false]", exec("{ .bools }", TYPES));
        assertEquals("true", exec("{ .bools[0] }", TYPES));
        assertEquals("false", exec("{ .bools[-1] }", TYPES));
        assertEquals("true false", exec("{ .bools[0:2] }", TYPES));
        assertEquals("true true", exec("{ .bools[:4:2] }", TYPES));
        assertEquals("[1,2,3,4]", exec("{ .integers }", TYPES));
        assertEquals("3", exec("{ .integers[-2] }", TYPES));
        assertEquals("1 3", exec("{ .integers[:4:2] }", TYPES));
        assertEquals("[1,2.2,3.3,4]", exec("{ .floats }", TYPES));
        assertEquals("1", exec("{ .floats[0] }", TYPES));
        assertEquals("1 2.2", exec("{ .floats[:2] }", TYPES));
        assertEquals("[\"one\",\"two\",\"three\",\"four\"]", exec("{ .strings }", TYPES));
        assertEquals("one three", exec("{ .strings[:4:2] }", TYPES));
        assertEquals("[true,\"one\",1,1.1]", exec("{ .interfaces }", TYPES));
        assertEquals("true one", exec("{ .interfaces[0:2] }", TYPES));
        assertEquals("{\"name\":\"one\",\"value\":1}", exec("{ .maps[0] }", TYPES));
        assertEquals("{\"name\":\"one\",\"value\":1} {\"name\":\"three\",\"value\":3.03}", exec("{ .maps[::2] }", TYPES));
        assertEquals("{\"name\":\"two\",\"value\":2.02} {\"name\":\"four\",\"value\":4.04}", exec("{ .maps[1::2] }", TYPES));
    }

    private static final JsonNode STORE = json("{'Name':'jsonpath','Book':["
            + "{'Category':'reference','Author':'Nigel Rees','Title':'Sayings of the Centurey','Price':8.95},"
            + "{'Category':'fiction','Author':'Evelyn Waugh','Title':'Sword of Honour','Price':12.99},"
            + "{'Category':'fiction','Author':'Herman Melville','Title':'Moby Dick','Price':8.99}],"
            + "'Bicycle':[{'Color':'red','Price':19.95,'IsNew':true},{'Color':'green','Price':20.01,'IsNew':false}],"
            + "'Labels':{'engieer':10,'web/html':15,'k8s-app':20},'Employees':{'jason':'manager','dan':'clerk'}}");

    @Test
    void storeInput() {
        assertEquals("hello jsonpath", exec("hello jsonpath", null));
        assertEquals("[1,2,3]", exec("{..}", json("[1,2,3]")));
        assertEquals("2 3", exec("{[?(@<5)]}", json("[2,6,3,7]")));
        assertEquals("{", exec("{\"{\"}", null));
        assertEquals("1 3 4", exec("{[1,3,4]}", json("[0,1,2,3,4]")));
        assertEquals("Monday Tudesday", exec("{[0:2]}", json("['Monday','Tudesday']")));
        assertEquals("hello jsonpath", exec("hello {.Name}", STORE));
        assertEquals("15", exec("{$.Labels.web/html}", STORE));
        assertEquals("manager", exec("{$.Employees.jason}", STORE));
        assertEquals("20", exec("{.Labels.k8s-app}", STORE));
        assertEquals("red green", exec("{.Bicycle[*].Color}", STORE));
        assertEquals("Nigel Rees Evelyn Waugh Herman Melville", exec("{.Book[*].Author}", STORE));
        assertEquals("{red 19.95 true} {green 20.01 false} ",
                exec("{range .Bicycle[*]}{ \"{\" }{ @.* }{ \"} \" }{end}", STORE));
        assertEquals("8.95 12.99 8.99 19.95 20.01", exec("{..Price}", STORE));
        assertEquals("8.95 12.99 8.99 19.95 20.01", exec("{...Price}", STORE));
        assertEquals("{\"Author\":\"Herman Melville\",\"Category\":\"fiction\",\"Price\":8.99,\"Title\":\"Moby Dick\"}",
                exec("{.Book[-1:]}", STORE));
        assertEquals("{\"Author\":\"Herman Melville\",\"Category\":\"fiction\",\"Price\":8.99,\"Title\":\"Moby Dick\"}",
                exec("{..Book[2]}", STORE));
        assertEquals("{\"Color\":\"red\",\"IsNew\":true,\"Price\":19.95}", exec("{.Bicycle[?(@.IsNew==true)]}", STORE));

        assertEquals("", exec("{.hello}", STORE, true));
        assertEquals("before-after", exec("before-{.hello}after", STORE, true));

        assertEquals("unrecognized identifier hello", error("{hello}", STORE));
        assertEquals("hello is not found", error("{.hello}", STORE));
        assertEquals("map[string]interface {} is not array or slice", error("{.Labels[0]}", STORE));
        assertEquals("unrecognized filter operator <>", error("{.Book[?(@.Price<>10)]}", STORE));
        assertEquals("not in range, nothing to end", error("{range .Labels.*}{@}{end}{end}", STORE));
        assertThrows(JsonPathException.class, () -> JsonPath.parse("{............................................Price}"));
    }

    @Test
    void jsonInput() {
        JsonNode points = json("[{'id':'i1','x':4,'y':-5},{'id':'i2','x':-2,'y':-5,'z':1},{'id':'i3','x':8,'y':3},"
                + "{'id':'i4','x':-6,'y':-1},{'id':'i5','x':0,'y':2,'z':1},{'id':'i6','x':1,'y':4},"
                + "{'id':'i7','x':null,'y':4}]");
        assertEquals("i2 i5", exec("{[?(@.z)].id}", points));
        assertEquals("i1", exec("{[0]['id']}", points));
        assertEquals("null", exec("{[-1]['x']}", points));
    }

    private static final JsonNode NODES = json("{'kind':'List','items':["
            + "{'kind':'None','metadata':{'name':'127.0.0.1','labels':{'kubernetes.io/hostname':'127.0.0.1'}},"
            + "'status':{'capacity':{'cpu':'4'},'ready':true,'addresses':[{'type':'LegacyHostIP','address':'127.0.0.1'}]}},"
            + "{'kind':'None','metadata':{'name':'127.0.0.2','labels':{'kubernetes.io/hostname':'127.0.0.2'}},"
            + "'status':{'capacity':{'cpu':'8'},'ready':false,'addresses':[{'type':'LegacyHostIP','address':'127.0.0.2'},"
            + "{'type':'another','address':'127.0.0.3'}]}}],"
            + "'users':[{'name':'myself','user':{}},{'name':'e2e','user':{'username':'admin','password':'secret'}}]}");

    @Test
    void kubernetes() {
        assertEquals("127.0.0.1, 127.0.0.2, List", exec("{range .items[*]}{.metadata.name}, {end}{.kind}", NODES));
        assertEquals("127.0.0.1\t127.0.0.2\t", exec("{range .items[*]}{.metadata.name}{\"\\t\"}{end}", NODES));
        assertEquals("127.0.0.1 127.0.0.2 127.0.0.3", exec("{.items[*].status.addresses[*].address}", NODES));
        assertEquals("127.0.0.1, 127.0.0.2, 127.0.0.3, ",
                exec("{range .items[*]}{range .status.addresses[*]}{.address}, {end}{end}", NODES));
        assertEquals("127.0.0.1 127.0.0.2", exec("{.items[*].metadata.name}", NODES));
        assertEquals("127.0.0.1 127.0.0.2 {\"cpu\":\"4\"} {\"cpu\":\"8\"}",
                exec("{.items[*]['metadata.name', 'status.capacity']}", NODES));
        assertEquals("[127.0.0.1, {\"cpu\":\"4\"}] [127.0.0.2, {\"cpu\":\"8\"}] ",
                exec("{range .items[*]}[{.metadata.name}, {.status.capacity}] {end}", NODES));
        assertEquals("secret", exec("{.users[?(@.name==\"e2e\")].user.password}", NODES));
        assertEquals("127.0.0.1", exec("{.items[0].metadata.labels.kubernetes\\.io/hostname}", NODES));
        assertEquals("None", exec("{.items[?(@.metadata.labels.kubernetes\\.io/hostname==\"127.0.0.1\")].kind}", NODES));
        assertEquals("127.0.0.1", exec("{.items[?(@..ready==true)].metadata.name}", NODES));
        List<String> names = new ArrayList<>(Arrays.asList(exec("{..name}", NODES).split(" ")));
        Collections.sort(names);
        assertEquals(List.of("127.0.0.1", "127.0.0.2", "e2e", "myself"), names);
    }

    @Test
    void ranges() {
        assertEquals("", exec("{range .items[*]}{.metadata.name}{end}", json("{'items':[]}"), true));
        assertEquals("", exec("{range .items[*]}{.metadata.name}{\":\"}{range @.spec.containers[*]}{.name}{\",\"}{end}"
                + "{\"+\"}{end}", json("{'items':[]}"), true));
        JsonNode pods = json("{'items':[{'metadata':{'name':'pod1'},'spec':{'containers':["
                + "{'name':'foo','another':[{'name':'value1'},{'name':'value2'}]},"
                + "{'name':'bar','another':[{'name':'value1'},{'name':'value2'}]}]}},"
                + "{'metadata':{'name':'pod2'},'spec':{'containers':[{'name':'baz','another':[{'name':'value1'},"
                + "{'name':'value2'}]}]}}]}");
        assertEquals("pod1:foo,bar,+pod2:baz,+", exec("{range .items[*]}{.metadata.name}{\":\"}"
                + "{range @.spec.containers[*]}{.name}{\",\"}{end}{\"+\"}{end}", pods));
        assertEquals("pod1~foo:value1,value2,+bar:value1,value2,+#pod2~baz:value1,value2,+#",
                exec("{range .items[*]}{.metadata.name}{\"~\"}{range @.spec.containers[*]}{.name}{\":\"}"
                        + "{range @.another[*]}{.name}{\",\"}{end}{\"+\"}{end}{\"#\"}{end}", pods));
        assertEquals("pod1\tfoo bar \tfoo bar \npod2\tbaz \tbaz \n",
                exec("{range .items[*]}{.metadata.name}{\"\\t\"}{range @.spec.containers[*]}{.name}{\" \"}{end}"
                        + "{\"\\t\"}{range @.spec.containers[*]}{.name}{\" \"}{end}{\"\\n\"}{end}", pods));
        JsonNode running = json("{'kind':'List','items':[{'kind':'Pod','metadata':{'name':'pod1'},'status':{'phase':'Running'}},"
                + "{'kind':'Pod','metadata':{'name':'pod2'},'status':{'phase':'Running'}},"
                + "{'kind':'Pod','metadata':{'name':'pod3'},'status':{'phase':'Running'}},{'resourceVersion':''}]}");
        assertEquals("pod1 is Running\npod2 is Running\npod3 is Running\n",
                exec("{range .items[?(.status.phase==\"Running\")]}{.metadata.name}{\" is Running\\n\"}{end}", running, true));
    }

    @Test
    void filtersWithMissingKeys() {
        JsonNode data = json("{'kind':'List','items':[{'kind':'Pod','metadata':{'name':'pod1','annotations':{'color':'blue'}}},"
                + "{'kind':'Pod','metadata':{'name':'pod2'}},"
                + "{'kind':'Pod','metadata':{'name':'pod3','annotations':{'color':'green'}}},"
                + "{'kind':'Pod','metadata':{'name':'pod4','annotations':{'color':'blue'}}}]}");
        String t = "{.items[?(@.metadata.annotations.color==\"blue\")].metadata.name}";
        assertEquals("pod1 pod4", exec(t, data, true));
        assertThrows(JsonPathException.class, () -> exec(t, data, false));
    }

    private static final JsonNode CONTAINERS = json("{'spec':{'containers':[{'name':'fake0'},{'name':'fake1'},"
            + "{'name':'fake2'},{'name':'fake3'},{'name':'fake4'},{'name':'fake5'}]}}");

    @Test
    void negativeIndexesAndSteps() {
        JsonNode four = json("{'spec':{'containers':[{'name':'fake0'},{'name':'fake1'},{'name':'fake2'},{'name':'fake3'}]}}");
        assertEquals("fake0", exec("{.spec.containers[0].name}", four));
        assertEquals("", exec("{.spec.containers[0:0].name}", four));
        assertEquals("fake0 fake1 fake2", exec("{.spec.containers[0:-1].name}", four));
        assertThrows(JsonPathException.class, () -> exec("{.spec.containers[-1:0].name}", four));
        assertEquals("fake3", exec("{.spec.containers[-1].name}", four));
        assertEquals("fake3", exec("{.spec.containers[-1:].name}", four));
        assertEquals("fake2 fake3", exec("{.spec.containers[-2:].name}", four));
        assertEquals("fake0", exec("{.spec.containers[-4].name}", four));
        assertEquals("array index out of bounds: index -1, length 4", error("{.spec.containers[-5].name}", four));
        assertEquals("", exec("{.spec.containers[5:5].name}", four));
        assertEquals("", exec("{.spec.containers[-5:-5].name}", four));
        assertEquals("starting index 3 is greater than ending index 1", error("{.spec.containers[3:1].name}", four));
        assertThrows(JsonPathException.class, () -> exec("{.spec.containers[-1:-2].name}", four));

        assertEquals("fake0 fake1 fake2 fake3 fake4 fake5", exec("{.spec.containers[0:].name}", CONTAINERS));
        assertEquals("fake0 fake1 fake2 fake3 fake4 fake5", exec("{.spec.containers[0:6:].name}", CONTAINERS));
        assertEquals("step must be > 0", error("{.spec.containers[0:6:0].name}", CONTAINERS));
        assertThrows(JsonPathException.class, () -> exec("{.spec.containers[0:6:-1].name}", CONTAINERS));
        assertEquals("fake1 fake3", exec("{.spec.containers[1:4:2].name}", CONTAINERS));
        assertEquals("fake1", exec("{.spec.containers[1:4:4].name}", CONTAINERS));
        assertEquals("fake0 fake3", exec("{.spec.containers[0:6:3].name}", CONTAINERS));
        assertEquals("fake0 fake5", exec("{.spec.containers[0:6:5].name}", CONTAINERS));
    }

    @Test
    void parseErrors() {
        assertEquals("unclosed action", parseError("{.hello"));
        assertEquals("unrecognized character in action: U+002A '*'", parseError("{*}"));
        assertEquals("cannot parse number +12.3.0", parseError("{+12.3.0}"));
        assertEquals("unterminated array", parseError("{[1}"));
        assertEquals("unterminated filter", parseError("{[?(.price]}"));
        assertEquals("invalid multiple recursive descent", parseError("{........}"));
        assertEquals("invalid array index a:b", parseError("{[a:b]}"));
        parseOk("{[?(@.status.nodeInfo.osImage == \"()\")]}");
        parseOk("{[?(@.status.nodeInfo.osImage == \"(\\\"\\\")\")]}");
        parseOk("{[?(@.test == \"())(\")]}");
        parseOk("{[?(@.status.nodeInfo.osImage == 'Linux')]}");
        parseOk("{[?(@.status.nodeInfo.osImage == \"{[()]}\")]}");
        parseOk("{[?(@.status.nodeInfo.osImage == '\\\\\\'')]}");
    }

    private static String parseError(String template) {
        return assertThrows(JsonPathException.class, () -> JsonPath.parse(template)).getMessage();
    }

    private static void parseOk(String template) {
        JsonPath.parse(template);
    }

    @Test
    void filterComparisons() {
        JsonNode data = json("{'ports':[{'name':'http','port':80},{'name':'https','port':443},{'name':'x','port':8.5}]}");
        assertEquals("https", exec("{.ports[?(@.port>400)].name}", json("{'ports':[{'name':'http','port':80},"
                + "{'name':'https','port':443}]}")));
        assertEquals("incompatible types for comparison", error("{.ports[?(@.port>400)].name}", data));
        assertEquals("invalid type for comparison", error("{.ports[?(@.name==true)].name}",
                json("{'ports':[{'name':null}]}")));
        assertEquals("x", exec("{.ports[?(@.port==8.5)].name}", json("{'ports':[{'name':'x','port':8.5}]}")));
        assertEquals("a", exec("{.l[?(@<'b')]}", json("{'l':['a','c']}")));
    }

    @Test
    void evaluateForPrinterColumns() {
        JsonNode obj = json("{'metadata':{'creationTimestamp':'2024-01-01T00:00:00Z'},'spec':{'replicas':3,"
                + "'items':[{'name':'a'},{'name':'b'}]},'status':{'conditions':[{'type':'Progressing','status':'True'},"
                + "{'type':'Ready','status':'False'}]}}");
        assertEquals(List.of(json("3")), JsonPath.parseExpression(".spec.replicas").evaluate(obj));
        assertEquals(List.of(json("'False'")),
                JsonPath.parseExpression(".status.conditions[?(@.type==\"Ready\")].status").evaluate(obj));
        assertEquals(List.of(json("'a'"), json("'b'")), JsonPath.parseExpression(".spec.items[*].name").evaluate(obj));
        assertEquals(List.of(json("'2024-01-01T00:00:00Z'")),
                JsonPath.parseExpression(".metadata.creationTimestamp").evaluate(obj));
        assertEquals(List.of(), JsonPath.parseExpression(".status.missing.deeper").evaluate(obj));
        assertEquals(List.of(json("'b'")), JsonPath.parseExpression(".spec.items[1:].name").evaluate(obj));
    }
}
