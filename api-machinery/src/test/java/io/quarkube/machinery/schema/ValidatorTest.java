package io.quarkube.machinery.schema;

import static io.quarkube.machinery.schema.TestJson.json;
import static io.quarkube.machinery.schema.TestJson.raw;
import static io.quarkube.machinery.schema.TestJson.schema;
import static io.quarkube.machinery.schema.TestJson.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Cases from upstream's {@code pkg/apiserver/validation/validation_test.go} and more, with upstream's messages. */
class ValidatorTest {

    private static List<String> validate(StructuralSchema s, String object) {
        return strings(Validator.validate(json(object), s));
    }

    private static void valid(StructuralSchema s, String... objects) {
        for (String o : objects) {
            assertEquals(List.of(), validate(s, o), o);
        }
    }

    /** Upstream compares the errors as sets. */
    private static void invalid(StructuralSchema s, String object, String... expected) {
        assertEquals(new TreeSet<>(List.of(expected)), new TreeSet<>(validate(s, object)), object);
    }

    @Test
    void notNullable() {
        StructuralSchema s = schema("{'type':'object','properties':{'field':{'type':'object','nullable':false}}}");
        valid(s, "{}", "{'field':{}}");
        invalid(s, "{'field':'foo'}",
                "field: Invalid value: \"string\": field in body must be of type object: \"string\"");
        invalid(s, "{'field':42}",
                "field: Invalid value: \"integer\": field in body must be of type object: \"integer\"");
        invalid(s, "{'field':true}",
                "field: Invalid value: \"boolean\": field in body must be of type object: \"boolean\"");
        invalid(s, "{'field':1.2}",
                "field: Invalid value: \"number\": field in body must be of type object: \"number\"");
        invalid(s, "{'field':[]}",
                "field: Invalid value: \"array\": field in body must be of type object: \"array\"");
        invalid(s, "{'field':null}",
                "field: Invalid value: \"null\": field in body must be of type object: \"null\"");
    }

    @Test
    void nullable() {
        StructuralSchema s = schema("{'type':'object','properties':{'field':{'type':'object','nullable':true}}}");
        valid(s, "{}", "{'field':{}}", "{'field':null}");
        invalid(s, "{'field':'foo'}",
                "field: Invalid value: \"string\": field in body must be of type object: \"string\"");
        StructuralSchema untyped = schema("{'type':'object','properties':{'field':{'nullable':true}}}");
        valid(untyped, "{}", "{'field':{}}", "{'field':null}", "{'field':'foo'}", "{'field':42}", "{'field':true}",
                "{'field':1.2}", "{'field':[]}");
    }

    @Test
    void intOrString() {
        StructuralSchema s = schema("{'type':'object','properties':{'field':{'x-kubernetes-int-or-string':true}}}");
        valid(s, "{}", "{'field':42}", "{'field':'foo'}");
        invalid(s, "{'field':null}",
                "field: Invalid value: \"null\": field in body must be of type integer,string: \"null\"");
        invalid(s, "{'field':true}",
                "field: Invalid value: \"boolean\": field in body must be of type integer,string: \"boolean\"");
        invalid(s, "{'field':1.2}",
                "field: Invalid value: \"number\": field in body must be of type integer,string: \"number\"");
        invalid(s, "{'field':{}}",
                "field: Invalid value: \"object\": field in body must be of type integer,string: \"object\"");
        invalid(s, "{'field':[]}",
                "field: Invalid value: \"array\": field in body must be of type integer,string: \"array\"");

        StructuralSchema nullable = schema(
                "{'type':'object','properties':{'field':{'nullable':true,'x-kubernetes-int-or-string':true}}}");
        valid(nullable, "{}", "{'field':42}", "{'field':'foo'}", "{'field':null}");
    }

    @Test
    void intOrStringWithUserAnyOf() {
        StructuralSchema s = schema("{'type':'object','properties':{'field':{'nullable':true,"
                + "'x-kubernetes-int-or-string':true,'anyOf':[{'type':'integer'},{'type':'string'}]}}}");
        valid(s, "{}", "{'field':null}", "{'field':42}", "{'field':'foo'}");
        invalid(s, "{'field':true}",
                "<nil>: Invalid value: \"\": \"field\" must validate at least one schema (anyOf)",
                "field: Invalid value: \"boolean\": field in body must be of type integer,string: \"boolean\"",
                "field: Invalid value: \"boolean\": field in body must be of type integer: \"boolean\"");
        invalid(s, "{'field':1.2}",
                "<nil>: Invalid value: \"\": \"field\" must validate at least one schema (anyOf)",
                "field: Invalid value: \"number\": field in body must be of type integer,string: \"number\"",
                "field: Invalid value: \"number\": field in body must be of type integer: \"number\"",
                "<nil>: Invalid value: \"\": Checked value must be of type integer (default format) in field");
        invalid(s, "{'field':{}}",
                "<nil>: Invalid value: \"\": \"field\" must validate at least one schema (anyOf)",
                "field: Invalid value: \"object\": field in body must be of type integer,string: \"object\"",
                "field: Invalid value: \"object\": field in body must be of type integer: \"object\"");
    }

    @Test
    void intOrStringWithUserAllOf() {
        StructuralSchema s = schema("{'type':'object','properties':{'field':{'nullable':true,"
                + "'x-kubernetes-int-or-string':true,'allOf':[{'anyOf':[{'type':'integer'},{'type':'string'}]}]}}}");
        valid(s, "{}", "{'field':null}", "{'field':42}", "{'field':'foo'}");
        invalid(s, "{'field':1.2}",
                "<nil>: Invalid value: \"\": \"field\" must validate all the schemas (allOf). None validated",
                "<nil>: Invalid value: \"\": \"field\" must validate at least one schema (anyOf)",
                "field: Invalid value: \"number\": field in body must be of type integer,string: \"number\"",
                "field: Invalid value: \"number\": field in body must be of type integer: \"number\"",
                "<nil>: Invalid value: \"\": Checked value must be of type integer (default format) in field");
        invalid(s, "{'field':[]}",
                "<nil>: Invalid value: \"\": \"field\" must validate all the schemas (allOf). None validated",
                "<nil>: Invalid value: \"\": \"field\" must validate at least one schema (anyOf)",
                "field: Invalid value: \"array\": field in body must be of type integer,string: \"array\"",
                "field: Invalid value: \"array\": field in body must be of type integer: \"array\"");
    }

    @Test
    void invalidRegex() {
        StructuralSchema s = schema("{'type':'object','properties':{'field':{'type':'string','pattern':'+'}}}");
        invalid(s, "{'field':'foo'}", "field: Invalid value: \"foo\": field in body should match '+, but pattern is "
                + "invalid: error parsing regexp: missing argument to repetition operator: `+`'");
    }

    @Test
    void required() {
        StructuralSchema s = schema("{'type':'object','required':['field'],'properties':{'field':{'type':'object',"
                + "'required':['nested'],'properties':{'nested':{}}}}}");
        invalid(s, "{'test':'a'}", "field: Required value");
        invalid(s, "{'field':{}}", "field.nested: Required value");
    }

    @Test
    void enumValues() {
        StructuralSchema s = schema("{'type':'object','properties':{'field':{'type':'object',"
                + "'required':['nestedint','nestedstring'],'properties':{"
                + "'nestedint':{'type':'integer','enum':[1,2]},'nestedstring':{'type':'string','enum':['a','b']}}}}}");
        invalid(s, "{'field':{}}", "field.nestedint: Required value", "field.nestedstring: Required value");
        invalid(s, "{'field':{'nestedint':'x','nestedstring':true}}",
                "field.nestedint: Invalid value: \"string\": field.nestedint in body must be of type integer: \"string\"",
                "field.nestedint: Unsupported value: \"x\": supported values: \"1\", \"2\"",
                "field.nestedstring: Invalid value: \"boolean\": field.nestedstring in body must be of type string: "
                        + "\"boolean\"",
                "field.nestedstring: Unsupported value: true: supported values: \"a\", \"b\"");
        valid(s, "{'field':{'nestedint':2,'nestedstring':'a'}}", "{'field':{'nestedint':2.0,'nestedstring':'b'}}");
    }

    @Test
    void sizes() {
        invalid(schema("{'type':'object','properties':{'fieldX':{'type':'object','maxProperties':2}}}"),
                "{'fieldX':{'a':true,'b':true,'c':true}}", "fieldX: Too many: 3: must have at most 2 items");
        invalid(schema("{'type':'object','properties':{'fieldX':{'type':'array','maxItems':2}}}"),
                "{'fieldX':['a','b','c']}", "fieldX: Too many: 3: must have at most 2 items");
        invalid(schema("{'type':'object','properties':{'fieldX':{'type':'string','maxLength':2}}}"),
                "{'fieldX':'abc'}", "fieldX: Too long: may not be more than 2 bytes");
        invalid(schema("{'type':'object','properties':{'spec':{'type':'object','properties':{"
                + "'name':{'type':'string','minLength':3}}}}}"), "{'spec':{'name':'ab'}}",
                "spec.name: Invalid value: \"ab\": spec.name in body should be at least 3 chars long");
        invalid(schema("{'type':'object','properties':{'list':{'type':'array','minItems':2,'items':{'type':'integer'}}}}"),
                "{'list':[1]}", "list: Invalid value: 1: list in body should have at least 2 items");
        invalid(schema("{'type':'object','properties':{'map':{'type':'object','minProperties':1}}}"),
                "{'map':{}}", "map: Invalid value: 0: map in body should have at least 1 properties");
        valid(schema("{'type':'object','properties':{'fieldX':{'type':'string','maxLength':2}}}"),
                "{'fieldX':'\u00e9\u00e9'}");
    }

    @Test
    void formats() {
        invalid(schema("{'type':'object','properties':{'fieldX':{'type':'string','format':'k8s-long-name'}}}"),
                "{'fieldX':'a.-'}", "fieldX: Invalid value: \"a.-\": fieldX in body must be of type k8s-long-name: \"a.-\"");
        invalid(schema("{'type':'object','properties':{'fieldX':{'type':'string','format':'k8s-short-name'}}}"),
                "{'fieldX':'a-'}", "fieldX: Invalid value: \"a-\": fieldX in body must be of type k8s-short-name: \"a-\"");
        StructuralSchema dt = schema("{'type':'object','properties':{'at':{'type':'string','format':'date-time'}}}");
        valid(dt, "{'at':'2024-03-01T10:00:00Z'}", "{'at':'2024-03-01T10:00:00.123+02:00'}");
        invalid(dt, "{'at':'yesterday'}",
                "at: Invalid value: \"yesterday\": at in body must be of type date-time: \"yesterday\"");
        StructuralSchema misc = schema("{'type':'object','properties':{'ip':{'type':'string','format':'ipv4'},"
                + "'id':{'type':'string','format':'uuid'},'d':{'type':'string','format':'date'},"
                + "'b':{'type':'string','format':'byte'},'dur':{'type':'string','format':'duration'},"
                + "'c':{'type':'string','format':'cidr'},'mac':{'type':'string','format':'mac'},"
                + "'e':{'type':'string','format':'email'},'h':{'type':'string','format':'hostname'},"
                + "'u':{'type':'string','format':'uri'},'v6':{'type':'string','format':'ipv6'}}}");
        valid(misc, "{'ip':'10.0.0.1','id':'123e4567-e89b-12d3-a456-426614174000','d':'2024-02-29','b':'aGVsbG8=',"
                + "'dur':'1h30m','c':'10.0.0.0/8','mac':'01:23:45:67:89:ab','e':'a@example.com',"
                + "'h':'example.com','u':'https://example.com/x?y=1','v6':'fe80::1'}");
        invalid(misc, "{'ip':'10.0.0.256','d':'2023-02-29','v6':'10.0.0.1'}",
                "ip: Invalid value: \"10.0.0.256\": ip in body must be of type ipv4: \"10.0.0.256\"",
                "d: Invalid value: \"2023-02-29\": d in body must be of type date: \"2023-02-29\"",
                "v6: Invalid value: \"10.0.0.1\": v6 in body must be of type ipv6: \"10.0.0.1\"");
        // formats upstream does not support are ignored
        valid(schema("{'type':'object','properties':{'x':{'type':'string','format':'no-such-format'}}}"),
                "{'x':'anything'}");
        // go-openapi's type check looks at the format first for non-strings
        invalid(dt, "{'at':5}", "at: Invalid value: \"int64\": at in body must be of type date-time: \"int64\"");
    }

    @Test
    void numericFormats() {
        StructuralSchema s = schema("{'type':'object','properties':{'intThirtyTwo':{'type':'integer','format':'int32'},"
                + "'intSixtyFour':{'type':'integer','format':'int64'},'floatThreeTwo':{'type':'number','format':'float'},"
                + "'floatSixFour':{'type':'number','format':'double'}}}");
        valid(s, "{'intThirtyTwo':-2147483648,'intSixtyFour':-9223372036854775808,'floatThreeTwo':-3.4028234663852886e38,"
                + "'floatSixFour':-1.7976931348623157e308}", "{'intThirtyTwo':0,'intSixtyFour':0,'floatThreeTwo':0,"
                + "'floatSixFour':0}", "{'intThirtyTwo':2147483647,'intSixtyFour':9223372036854775807}");
        invalid(s, "{'intThirtyTwo':2147483648}",
                "<nil>: Invalid value: \"\": Checked value must be of type integer with format int32 in intThirtyTwo");
        invalid(s, "{'intThirtyTwo':-2147483649}",
                "<nil>: Invalid value: \"\": Checked value must be of type integer with format int32 in intThirtyTwo");
        invalid(s, "{'intSixtyFour':1.0145709240540254e19}",
                "intSixtyFour: Invalid value: \"float64\": intSixtyFour in body must be of type int64: \"float64\"",
                "<nil>: Invalid value: \"\": Checked value must be of type integer with format int64 in intSixtyFour");
        invalid(s, "{'floatThreeTwo':3.743106140957893e38}",
                "<nil>: Invalid value: \"\": Checked value must be of type number with format float in floatThreeTwo");
    }

    @Test
    void typeMessageFromTheBrief() {
        StructuralSchema s = schema("{'type':'object','properties':{'spec':{'type':'object','properties':{"
                + "'replicas':{'type':'integer','minimum':0,'maximum':10}}}}}");
        invalid(s, "{'spec':{'replicas':'string'}}",
                "spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"");
        invalid(s, "{'spec':{'replicas':11}}",
                "spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10");
        invalid(s, "{'spec':{'replicas':-1}}",
                "spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0");
        // a float that is an integer is an integer
        valid(s, "{'spec':{'replicas':3.0}}");
    }

    @Test
    void boundsAndMultiples() {
        StructuralSchema s = schema("{'type':'object','properties':{"
                + "'a':{'type':'integer','maximum':10,'exclusiveMaximum':true},"
                + "'b':{'type':'integer','minimum':1,'exclusiveMinimum':true},"
                + "'c':{'type':'number','maximum':1.5},"
                + "'d':{'type':'integer','multipleOf':5},"
                + "'e':{'type':'number','minimum':1000000}}}");
        invalid(s, "{'a':10,'b':1,'c':2.5,'d':7,'e':1.5}",
                "a: Invalid value: 10: a in body should be less than 10",
                "b: Invalid value: 1: b in body should be greater than 1",
                "c: Invalid value: 2.5: c in body should be less than or equal to 1.5",
                "d: Invalid value: 7: d in body should be a multiple of 5",
                "e: Invalid value: 1.5: e in body should be greater than or equal to 1e+06");
        valid(s, "{'a':9,'b':2,'c':1.5,'d':15,'e':1000000}");
    }

    @Test
    void patternUniqueAndAdditionalProperties() {
        StructuralSchema s = schema("{'type':'object','properties':{"
                + "'name':{'type':'string','pattern':'^[a-z]+$'},"
                + "'list':{'type':'array','uniqueItems':true,'items':{'type':'string'}},"
                + "'labels':{'type':'object','additionalProperties':{'type':'string'}},"
                + "'closed':{'type':'object','additionalProperties':false}}}");
        invalid(s, "{'name':'ABC','list':['a','a'],'labels':{'a':'x','b':1},'closed':{'x':1}}",
                "name: Invalid value: \"ABC\": name in body should match '^[a-z]+$'",
                "list: Invalid value: \"\": list in body shouldn't contain duplicates",
                "labels.b: Invalid value: \"integer\": labels.b in body must be of type string: \"integer\"",
                "closed: Invalid value: \"x\": closed.x in body is a forbidden property");
        // Go's $ is the end of the text, not before a final newline
        invalid(s, "{'name':'abc\\n'}", "name: Invalid value: \"abc\\n\": name in body should match '^[a-z]+$'");
    }

    @Test
    void oneOfAndNot() {
        StructuralSchema s = schema("{'type':'object','properties':{'spec':{'type':'object','properties':{"
                + "'a':{'type':'string'},'b':{'type':'string'}},"
                + "'oneOf':[{'required':['a']},{'required':['b']}],'not':{'required':['c']}}}}");
        valid(s, "{'spec':{'a':'x'}}", "{'spec':{'b':'x'}}");
        invalid(s, "{'spec':{'a':'x','b':'y'}}",
                "<nil>: Invalid value: \"\": \"spec\" must validate one and only one schema (oneOf). Found 2 valid "
                        + "alternatives");
        invalid(s, "{'spec':{}}",
                "<nil>: Invalid value: \"\": \"spec\" must validate one and only one schema (oneOf). Found none valid",
                "spec.a: Required value");
        invalid(s, "{'spec':{'a':'x','c':1}}", "<nil>: Invalid value: \"\": \"spec\" must not validate the schema (not)");
    }

    @Test
    void embeddedResources() {
        StructuralSchema s = schema("{'type':'object','properties':{'spec':{'type':'object','properties':{"
                + "'template':{'type':'object','x-kubernetes-embedded-resource':true,"
                + "'x-kubernetes-preserve-unknown-fields':true}}}}}");
        valid(s, "{'spec':{'template':{'apiVersion':'v1','kind':'Pod','metadata':{'name':'x'}}}}");
        invalid(s, "{'spec':{'template':{}}}", "spec.template.apiVersion: Required value",
                "spec.template.kind: Required value");
        invalid(s, "{'spec':{'template':{'apiVersion':'a/b/c','kind':'Foo_Bar','metadata':{'name':'a/b'}}}}",
                "spec.template.apiVersion: Invalid value: \"a/b/c\": unexpected GroupVersion string: a/b/c",
                "spec.template.kind: Invalid value: \"Foo_Bar\": may have mixed case, but should otherwise match: a "
                        + "DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
                        + "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "
                        + "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
                "spec.template.metadata.name: Invalid value: \"a/b\": may not contain '/'");
    }

    @Test
    void listSetsAndMaps() {
        StructuralSchema s = schema("{'type':'object','properties':{"
                + "'set':{'type':'array','x-kubernetes-list-type':'set','items':{'type':'string'}},"
                + "'ports':{'type':'array','x-kubernetes-list-type':'map','x-kubernetes-list-map-keys':['name'],"
                + "'items':{'type':'object','properties':{'name':{'type':'string'},'port':{'type':'integer'}}}},"
                + "'pairs':{'type':'array','x-kubernetes-list-type':'map','x-kubernetes-list-map-keys':['a','b'],"
                + "'items':{'type':'object','properties':{'a':{'type':'string'},'b':{'type':'integer'}}}}}}");
        valid(s, "{'set':['a','b'],'ports':[{'name':'a'},{'name':'b'}],'pairs':[{'a':'x','b':1},{'a':'x','b':2}]}");
        invalid(s, "{'set':['a','b','a','a'],'ports':[{'name':'a','port':1},{'name':'a','port':2}],"
                + "'pairs':[{'a':'x','b':1},{'a':'x','b':1}]}",
                "set[2]: Duplicate value: \"a\"",
                "ports[1]: Duplicate value: {\"name\":\"a\"}",
                "pairs[1]: Duplicate value: {\"a\":\"x\",\"b\":1}");
    }

    @Test
    void statusSubresourceWithBasePath() {
        StructuralSchema root = schema("{'type':'object','properties':{'status':{'type':'object','properties':{"
                + "'replicas':{'type':'integer'}},'anyOf':[{'required':['replicas']}]}}}");
        JsonNode status = json("{'replicas':'x'}");
        List<String> errs = strings(Validator.validateValue(status, root.property("status"), "status"));
        assertEquals(Set.of(
                "status.replicas: Invalid value: \"string\": replicas in body must be of type integer: \"string\""),
                new TreeSet<>(errs));
        errs = strings(Validator.validateValue(json("{}"), root.property("status"), "status"));
        assertEquals(new TreeSet<>(List.of("status: Invalid value: \"\": \"\" must validate at least one schema (anyOf)",
                "status.replicas: Required value")), new TreeSet<>(errs));
    }

    @Test
    void fieldErrorsCarryTypesAndValues() {
        StructuralSchema s = schema("{'type':'object','properties':{'mode':{'type':'string','enum':['a','b']},"
                + "'n':{'type':'integer'}},'required':['x']}");
        List<FieldError> errs = Validator.validate(json("{'mode':'c','n':'1'}"), s);
        FieldError enumErr = errs.stream().filter(e -> e.field().equals("mode")).findFirst().orElseThrow();
        assertEquals(FieldError.Type.NOT_SUPPORTED, enumErr.type());
        assertEquals("FieldValueNotSupported", enumErr.type().reason());
        assertEquals("Unsupported value: \"c\": supported values: \"a\", \"b\"", enumErr.errorBody());
        FieldError typeErr = errs.stream().filter(e -> e.field().equals("n")).findFirst().orElseThrow();
        assertEquals(FieldError.Type.TYPE_INVALID, typeErr.type());
        assertEquals("FieldValueTypeInvalid", typeErr.type().reason());
        FieldError req = errs.stream().filter(e -> e.field().equals("x")).findFirst().orElseThrow();
        assertEquals(FieldError.Type.REQUIRED, req.type());
        assertEquals("Required value", req.errorBody());
    }

    @Test
    void enumMessagesQuoteAndMarshal() {
        StructuralSchema s = schema("{'type':'object','properties':{'x':{'enum':[{'a':1},[1,2],null,1.5,'<&>']}}}");
        List<String> errs = validate(s, "{'x':'y'}");
        assertEquals(List.of("x: Unsupported value: \"y\": supported values: \"{\\\"a\\\":1}\", \"[1,2]\", \"null\", "
                + "\"1.5\", \"<&>\""), errs);
        assertTrue(validate(s, "{'x':1.5}").isEmpty());
    }

    @Test
    void quotingInMessages() {
        StructuralSchema s = StructuralSchema.of(
                raw("{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"string\",\"pattern\":\"^a\"}}}"));
        assertEquals(List.of("x: Invalid value: \"b\\t\\\"q\\\"\": x in body should match '^a'"),
                strings(Validator.validate(raw("{\"x\":\"b\\t\\\"q\\\"\"}"), s)));
    }
}
