package io.quarkube.machinery.schema;

import static io.quarkube.machinery.schema.TestJson.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GoValuesTest {

    @Test
    void floatsAsGoPrintsThem() {
        assertEquals("1", GoValues.formatFloat(1.0));
        assertEquals("1.5", GoValues.formatFloat(1.5));
        assertEquals("100000", GoValues.formatFloat(100000.0));
        assertEquals("1e+06", GoValues.formatFloat(1000000.0));
        assertEquals("1.234567e+06", GoValues.formatFloat(1234567.0));
        assertEquals("0.0001", GoValues.formatFloat(0.0001));
        assertEquals("1e-05", GoValues.formatFloat(0.00001));
        assertEquals("-2.5e+100", GoValues.formatFloat(-2.5e100));
        assertEquals("100000000000000000000", GoValues.formatFloatPlain(1e20));
        assertEquals("1e+21", GoValues.marshal(json("1e21")));
        assertEquals("1e-7", GoValues.marshal(json("1e-7")));
        assertEquals("0.000001", GoValues.marshal(json("1e-6")));
    }

    @Test
    void marshalLikeEncodingJson() {
        assertEquals("{\"a\":[1,2.5,true,null],\"b\":\"\\u003cx\\u003e \\u0026 \\\"q\\\"\"}",
                GoValues.marshal(json("{'b':'<x> & \\'q\\'','a':[1,2.5,true,null]}").deepCopy()));
        assertEquals("map[a:1 b:[x y]]", GoValues.sprint(json("{'b':['x','y'],'a':1}")));
    }

    @Test
    void quoteLikeStrconv() {
        assertEquals("\"a\\tb\\n\\\"c\\\"\\\\\"", GoValues.quote("a\tb\n\"c\"\\"));
        assertEquals("\"\\x01\u00e9\"", GoValues.quote("\u0001\u00e9"));
        assertEquals("\"\\u200b\"", GoValues.quote("\u200b"));
    }

    @Test
    void goKindsAndEquality() {
        assertEquals(GoValues.Kind.INT64, GoValues.kind(json("1")));
        assertEquals(GoValues.Kind.FLOAT64, GoValues.kind(json("1.0")));
        assertEquals(GoValues.Kind.FLOAT64, GoValues.kind(json("1e3")));
        assertEquals(GoValues.Kind.FLOAT64, GoValues.kind(json("18446744073709551616")));
        assertFalse(GoValues.deepEqual(json("1"), json("1.0")));
        assertTrue(GoValues.deepEqual(json("{'a':[1,{'b':null}]}"), json("{'a':[1,{'b':null}]}")));
        assertTrue(GoValues.isFloat64AJSONInteger(3.0));
        assertFalse(GoValues.isFloat64AJSONInteger(3.5));
    }
}
