package io.quarkube.machinery.apply;

import static io.quarkube.machinery.apply.Json.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class FieldSetTest {

    private static final String SAMPLE = "{\"f:metadata\":{\"f:labels\":{\"f:app\":{}}},\"f:spec\":{\"f:containers\":"
            + "{\"k:{\\\"name\\\":\\\"nginx\\\"}\":{\".\":{},\"f:image\":{}}}}}";

    private static FieldPath path(Object... parts) {
        FieldPath p = FieldPath.of();
        for (Object o : parts) {
            p = p.append(o instanceof PathElement e ? e : PathElement.field((String) o));
        }
        return p;
    }

    @Test
    void parsesAndWritesUpstreamEncoding() {
        FieldSet s = FieldSet.parse(SAMPLE);
        PathElement nginx = PathElement.key("name", "nginx");
        assertEquals(List.of(
                path("metadata", "labels", "app"),
                path("spec", "containers", nginx),
                path("spec", "containers", nginx, "image")), s.paths());
        assertTrue(s.contains(path("spec", "containers", nginx)));
        assertFalse(s.contains(path("spec", "containers")));
        assertEquals(SAMPLE, s.toJson());
        assertEquals(SAMPLE, s.toJsonNode().toString());
    }

    @Test
    void mapsAreTheTreeAsNestedMapsInTheSameOrder() throws Exception {
        FieldSet s = FieldSet.of(
                path("spec", "ports", PathElement.key("protocol", "TCP", "port", 80), "port"),
                path("spec", "ports", PathElement.key("protocol", "TCP", "port", 80)),
                path("metadata", "labels", "app"),
                path("metadata", "labels"),
                path("spec", "selector"));
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        // Written back as JSON, the maps are byte for byte the tree (same keys, same order, "." where it belongs).
        assertEquals(s.toJson(), mapper.writeValueAsString(s.toMap()));
        assertEquals(mapper.convertValue(s.toJsonNode(), java.util.Map.class), s.toMap());
        assertEquals("{}", mapper.writeValueAsString(FieldSet.empty().toMap()));
    }

    @Test
    void ordersFieldsBeforeKeysBeforeValuesAndSortsKeyFields() {
        FieldSet s = FieldSet.of(
                path("spec", "ports", PathElement.key("protocol", "TCP", "port", 80), "port"),
                path("spec", "ports", PathElement.key("protocol", "TCP", "port", 80)),
                path("spec", "ports", PathElement.value("b")),
                path("spec", "ports", PathElement.value("a")),
                path("spec", "ports", PathElement.index(0)),
                path("spec", "ports", "z"));
        assertEquals("{\"f:spec\":{\"f:ports\":{\"f:z\":{},"
                + "\"k:{\\\"port\\\":80,\\\"protocol\\\":\\\"TCP\\\"}\":{\".\":{},\"f:port\":{}},"
                + "\"v:\\\"a\\\"\":{},\"v:\\\"b\\\"\":{},\"i:0\":{}}}}", s.toJson());
        assertEquals(s, FieldSet.parse(s.toJson()));
    }

    @Test
    void escapesLikeGo() {
        FieldSet s = FieldSet.of(path("metadata", "annotations", "a<b>&c"));
        assertEquals("{\"f:metadata\":{\"f:annotations\":{\"f:a\\u003cb\\u003e\\u0026c\":{}}}}", s.toJson());
        assertEquals(s, FieldSet.parse(s.toJson()));
    }

    @Test
    void readsDotAndEmptyObjectsAsMembership() {
        FieldSet s = FieldSet.parse("{\"f:a\":{\".\":{},\"f:b\":{}},\"f:c\":{},\"f:d\":{\"f:e\":{}}}");
        assertEquals(List.of(path("a"), path("c"), path("a", "b"), path("d", "e")), s.paths());
        assertEquals(4, s.size());
    }

    @Test
    void dropsUnknownElementTypesAndRejectsMalformedKeys() {
        assertEquals(FieldSet.of(path("a")), FieldSet.parse("{\"f:a\":{},\"x:future\":{}}"));
        assertThrows(IllegalArgumentException.class, () -> FieldSet.parse("{\"fa\":{}}"));
        assertThrows(IllegalArgumentException.class, () -> FieldSet.parse("{\"k:{bad\":{}}"));
        assertThrows(IllegalArgumentException.class, () -> FieldSet.parse("{\"f:a\":1}"));
    }

    @Test
    void setOperationsFollowUpstream() {
        FieldSet ab = FieldSet.of(path("a", "b"));
        FieldSet a = FieldSet.of(path("a"));
        FieldSet abc = FieldSet.of(path("a", "b"), path("a", "c"));
        assertEquals(FieldSet.of(path("a"), path("a", "b")), a.union(ab));
        assertEquals(ab, abc.intersection(FieldSet.of(path("a", "b"), path("x"))));
        assertEquals(FieldSet.of(path("a", "c")), abc.difference(ab));
        // a member does not remove the paths below it ...
        assertEquals(ab, ab.difference(a));
        // ... unless the difference is recursive
        assertTrue(ab.recursiveDifference(a).isEmpty());
        assertTrue(FieldSet.empty().isEmpty());
        assertTrue(ab.difference(ab).isEmpty());
        assertTrue(ab.difference(ab).children().isEmpty());
        assertEquals(FieldSet.of(path("a", "b")), FieldSet.of(path("a"), path("a", "b")).leaves());
    }

    @Test
    void pathStringsAreUpstreams() {
        assertEquals(".spec.template.spec.containers[name=\"nginx\"].image",
                path("spec", "template", "spec", "containers", PathElement.key("name", "nginx"), "image").toString());
        assertEquals(".spec.ports[port=80,protocol=\"TCP\"]",
                path("spec", "ports", PathElement.key("protocol", "TCP", "port", 80)).toString());
        assertEquals(".metadata.finalizers[=\"a\"]", path("metadata", "finalizers", PathElement.value("a")).toString());
        assertEquals(".x[3]", path("x", PathElement.index(3)).toString());
        assertEquals(".x[=1.5]", path("x", PathElement.value(1.5)).toString());
    }

    @Test
    void keysCompareByValueType() {
        PathElement i = new PathElement.Value(IntNode.valueOf(1));
        PathElement s = new PathElement.Value(TextNode.valueOf("1"));
        assertTrue(i.compareTo(s) < 0);
        assertEquals(PathElement.value(1), PathElement.value(1.0));
        assertNull(PathElement.deserialize("z:1"));
    }

    @Test
    void ofObjectOwnsLeavesItemsAndMapKeys() {
        var pod = json("""
            {'apiVersion':'v1','kind':'Pod','metadata':{'name':'p','labels':{'app':'x'},'finalizers':['f1'],
             'annotations':{}},
             'spec':{'containers':[{'name':'c','image':'i','ports':[{'containerPort':80}]}],
              'tolerations':[{'key':'k'}],'nodeSelector':{'a':'b'},'securityContext':{}}}
            """);
        FieldSet s = FieldSet.of(pod, Schema.forObject(pod));
        assertEquals("{\"f:apiVersion\":{},\"f:kind\":{},\"f:metadata\":{\"f:annotations\":{},"
                + "\"f:finalizers\":{\"v:\\\"f1\\\"\":{}},\"f:labels\":{\"f:app\":{}},\"f:name\":{}},"
                + "\"f:spec\":{\"f:containers\":{\"k:{\\\"name\\\":\\\"c\\\"}\":{\".\":{},\"f:image\":{},\"f:name\":{},"
                + "\"f:ports\":{\"k:{\\\"containerPort\\\":80,\\\"protocol\\\":\\\"TCP\\\"}\":{\".\":{},"
                + "\"f:containerPort\":{}}}}},\"f:nodeSelector\":{},\"f:securityContext\":{},\"f:tolerations\":{}}}",
                s.toJson());
    }

    @Test
    void ofObjectWithoutSchemaOwnsMapsToo() {
        var cr = json("{'apiVersion':'x/v1','kind':'X','spec':{'size':3,'list':[1,2]}}");
        FieldSet s = FieldSet.of(cr, Schema.deduced());
        assertEquals("{\"f:apiVersion\":{},\"f:kind\":{},\"f:spec\":{\".\":{},\"f:list\":{},\"f:size\":{}}}",
                s.toJson());
    }
}
