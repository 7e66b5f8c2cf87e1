package io.quarkube.machinery.schema;

import static io.quarkube.machinery.schema.TestJson.json;
import static io.quarkube.machinery.schema.TestJson.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Validation of the schema itself on CRD create, with upstream's paths and messages. */
class StructuralSchemaTest {

    private static final String P = "spec.versions[0].schema.openAPIV3Schema";

    private static List<String> errors(String schema) {
        return strings(StructuralSchema.parse(json(schema), P).errors());
    }

    private static void ok(String schema) {
        StructuralSchema.ParseResult r = StructuralSchema.parse(json(schema), P);
        assertEquals(List.of(), strings(r.errors()), schema);
        assertNotNull(r.schema());
    }

    @Test
    void knowsWhetherAnyNodeHasADefault() {
        assertFalse(StructuralSchema.of(json("{'type':'object','properties':{'a':{'type':'string'}}}")).hasDefaults());
        assertTrue(StructuralSchema.of(json("{'type':'object','properties':{'a':{'type':'string','default':'A'}}}"))
            .hasDefaults());
        assertTrue(StructuralSchema.of(json("{'type':'object','properties':{'l':{'type':'array','items':"
            + "{'type':'object','properties':{'x':{'type':'integer','default':1}}}}}}")).hasDefaults());
        assertTrue(StructuralSchema.of(json("{'type':'object','additionalProperties':{'type':'string',"
            + "'default':'d'}}")).hasDefaults());
    }

    @Test
    void everyFieldNeedsAType() {
        assertEquals(List.of(P + ".properties[spec].type: Required value: must not be empty for specified object fields"),
                errors("{'type':'object','properties':{'spec':{'properties':{'replicas':{'type':'integer'}}}}}"));
        assertEquals(List.of(P + ".type: Required value: must not be empty at the root"),
                errors("{'properties':{'a':{'type':'string'}}}"));
        assertEquals(List.of(P + ".properties[list].items: Required value: must be specified"),
                errors("{'type':'object','properties':{'list':{'type':'array'}}}"));
        assertEquals(List.of(P + ".properties[list].items.type: Required value: must not be empty for specified array "
                + "items"), errors("{'type':'object','properties':{'list':{'type':'array','items':{}}}}"));
        ok("{'type':'object','properties':{'any':{'x-kubernetes-preserve-unknown-fields':true},"
                + "'port':{'x-kubernetes-int-or-string':true}}}");
    }

    @Test
    void unsupportedKeywords() {
        assertEquals(List.of(P + ".properties[a].$ref: Forbidden: $ref is not supported"),
                errors("{'type':'object','properties':{'a':{'$ref':'#/definitions/x'}}}"));
        assertEquals(List.of(P + ": Invalid value: \"\": OpenAPIV3Schema 'schema' is not supported"),
                errors("{'type':'object','$schema':'http://json-schema.org/draft-04/schema#'}"));
        assertEquals(List.of(P + ".properties[l].items: Forbidden: items must be a schema object and not an array"),
                errors("{'type':'object','properties':{'l':{'type':'array','items':[{'type':'string'}]}}}"));
        assertEquals(List.of(P + ".properties[a].type: Unsupported value: \"null\": supported values: \"array\", "
                + "\"boolean\", \"integer\", \"number\", \"object\", \"string\"",
                P + ".properties[a].type: Forbidden: type cannot be set to null, use nullable as an alternative"),
                errors("{'type':'object','properties':{'a':{'type':'null'}}}"));
        assertEquals(List.of(P + ".x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined"),
                errors("{'type':'object','x-kubernetes-preserve-unknown-fields':false}"));
        assertEquals(List.of(P + ".properties[l].uniqueItems: Forbidden: uniqueItems cannot be set to true since the "
                + "runtime complexity becomes quadratic"),
                errors("{'type':'object','properties':{'l':{'type':'array','uniqueItems':true,'items':{'type':'string'}}}}"));
        assertThrows(IllegalArgumentException.class, () -> StructuralSchema.of(json("{'$ref':'#/x'}")));
    }

    @Test
    void additionalProperties() {
        assertEquals(List.of(P + ".additionalProperties: Forbidden: must not be used at the root"),
                errors("{'type':'object','additionalProperties':{'type':'string'}}"));
        assertEquals(List.of(P + ".properties[m].additionalProperties: Forbidden: additionalProperties and properties are "
                + "mutual exclusive"), errors("{'type':'object','properties':{'m':{'type':'object','properties':{"
                        + "'a':{'type':'string'}},'additionalProperties':{'type':'string'}}}}"));
        ok("{'type':'object','properties':{'m':{'type':'object','additionalProperties':{'type':'string'}}}}");
    }

    @Test
    void junctorsMustNotAddStructure() {
        assertEquals(List.of(P + ".properties[a].anyOf[0].type: Forbidden: must be empty to be structural"),
                errors("{'type':'object','properties':{'a':{'type':'string','anyOf':[{'type':'string'}]}}}"));
        // completeness is checked for the root's junctors only, as upstream does
        assertEquals(List.of(P + ".properties[y]: Required value: because it is defined in " + P
                + ".allOf[0].properties[y]"),
                errors("{'type':'object','properties':{'x':{'type':'string'}},"
                        + "'allOf':[{'properties':{'y':{'maxLength':3}}}]}"));
        assertEquals(List.of(P + ".properties[a].not.default: Forbidden: must be undefined to be structural",
                P + ".properties[a].not.description: Forbidden: must be empty to be structural"),
                errors("{'type':'object','properties':{'a':{'type':'string','not':{'default':'x','description':'d'}}}}"));
        // the two int-or-string patterns
        ok("{'type':'object','properties':{'a':{'x-kubernetes-int-or-string':true,"
                + "'anyOf':[{'type':'integer'},{'type':'string'}]},'b':{'x-kubernetes-int-or-string':true,"
                + "'allOf':[{'anyOf':[{'type':'integer'},{'type':'string'}]},{'maxLength':3}]}}}");
    }

    @Test
    void defaults() {
        assertEquals(List.of(P + ".properties[a].default: Invalid value: \"string\":  in body must be of type integer: "
                + "\"string\""), errors("{'type':'object','properties':{'a':{'type':'integer','default':'foo'}}}"));
        assertEquals(List.of(P + ".properties[b].default: Invalid value: 1:  in body should be greater than or equal to 5"),
                errors("{'type':'object','properties':{'b':{'type':'integer','minimum':5,'default':1}}}"));
        assertEquals(List.of(P + ".properties[o].default: Invalid value: {\"x\":\"a\",\"y\":\"b\"}: must not have unknown "
                + "fields"), errors("{'type':'object','properties':{'o':{'type':'object','properties':{"
                        + "'x':{'type':'string'}},'default':{'x':'a','y':'b'}}}}"));
        assertEquals(List.of(P + ".properties[o].default.x: Invalid value: \"integer\": x in body must be of type string: "
                + "\"integer\""), errors("{'type':'object','properties':{'o':{'type':'object','properties':{"
                        + "'x':{'type':'string'}},'default':{'x':1}}}}"));
        assertEquals(List.of(P + ".properties[metadata].default: Forbidden: must not be set in top-level metadata"),
                errors("{'type':'object','properties':{'metadata':{'type':'object','default':{}}}}"));
        ok("{'type':'object','properties':{'spec':{'type':'object','default':{},'properties':{"
                + "'replicas':{'type':'integer','default':1},'mode':{'type':'string','enum':['a','b'],'default':'a'}}}}}");
    }

    @Test
    void metadata() {
        ok("{'type':'object','properties':{'metadata':{'type':'object','properties':{'name':{'type':'string',"
                + "'maxLength':10}}}}}");
        assertEquals(List.of(P + ".properties[metadata]: Forbidden: must not specify anything other than name and "
                + "generateName, but metadata is implicitly specified"),
                errors("{'type':'object','properties':{'metadata':{'type':'object','properties':{"
                        + "'name':{'type':'string'},'labels':{'type':'object'}}}}}"));
        assertEquals(List.of(P + ".properties[metadata].type: Invalid value: \"string\": must be object"),
                errors("{'type':'object','properties':{'metadata':{'type':'string'}}}"));
        assertEquals(List.of(P + ".properties[kind].type: Invalid value: \"integer\": must be string"),
                errors("{'type':'object','properties':{'kind':{'type':'integer'}}}"));
    }

    @Test
    void embeddedResources() {
        assertEquals(List.of(P + ".properties[e].properties: Required value: must not be empty if "
                + "x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields"),
                errors("{'type':'object','properties':{'e':{'type':'object','x-kubernetes-embedded-resource':true}}}"));
        assertEquals(List.of(P + ".properties[e].type: Required value: must be object if x-kubernetes-embedded-resource "
                + "is true"), errors("{'type':'object','properties':{'e':{'x-kubernetes-embedded-resource':true,"
                        + "'x-kubernetes-preserve-unknown-fields':true}}}"));
        ok("{'type':'object','properties':{'e':{'type':'object','x-kubernetes-embedded-resource':true,"
                + "'x-kubernetes-preserve-unknown-fields':true}}}");
    }

    @Test
    void listAndMapTypes() {
        assertEquals(List.of(P + ".properties[l].x-kubernetes-list-map-keys: Required value: must not be empty if "
                + "x-kubernetes-list-type is map"),
                errors("{'type':'object','properties':{'l':{'type':'array','x-kubernetes-list-type':'map',"
                        + "'items':{'type':'object','properties':{'name':{'type':'string'}}}}}}"));
        assertEquals(List.of(P + ".properties[l].items.properties[name].default: Required value: this property is in "
                + "x-kubernetes-list-map-keys, so it must have a default or be a required property"),
                errors("{'type':'object','properties':{'l':{'type':'array','x-kubernetes-list-type':'map',"
                        + "'x-kubernetes-list-map-keys':['name'],'items':{'type':'object','properties':{"
                        + "'name':{'type':'string'}}}}}}"));
        ok("{'type':'object','properties':{'l':{'type':'array','x-kubernetes-list-type':'map',"
                + "'x-kubernetes-list-map-keys':['name'],'items':{'type':'object','required':['name'],'properties':{"
                + "'name':{'type':'string'}}}}}}");
        assertEquals(List.of(P + ".properties[s].type: Invalid value: \"string\": must be array if "
                + "x-kubernetes-list-type is specified"),
                errors("{'type':'object','properties':{'s':{'type':'string','x-kubernetes-list-type':'set'}}}"));
        assertEquals(List.of(P + ".properties[m].x-kubernetes-map-type: Unsupported value: \"other\": supported values: "
                + "\"atomic\", \"granular\""),
                errors("{'type':'object','properties':{'m':{'type':'object','x-kubernetes-map-type':'other'}}}"));
    }

    @Test
    void patternsMustCompileAsGoRegexps() {
        assertEquals(List.of(P + ".properties[a].pattern: Invalid value: \"+\": must be a valid regular expression, but "
                + "isn't: error parsing regexp: missing argument to repetition operator: `+`"),
                errors("{'type':'object','properties':{'a':{'type':'string','pattern':'+'}}}"));
        assertEquals(List.of(P + ".properties[a].pattern: Invalid value: \"^(?=a)\": must be a valid regular expression, "
                + "but isn't: error parsing regexp: invalid or unsupported Perl syntax: `(?=`"),
                errors("{'type':'object','properties':{'a':{'type':'string','pattern':'^(?=a)'}}}"));
        ok("{'type':'object','properties':{'a':{'type':'string','pattern':'^[[:alpha:]]+(?P<n>[0-9]{1,3})?{x}$'}}}");
    }

    @Test
    void rootRestrictions() {
        assertEquals(List.of(P + ".nullable: Forbidden: nullable cannot be true at the root"),
                errors("{'type':'object','nullable':true}"));
        StructuralSchema.ParseResult r = StructuralSchema.parse(json("{'type':'object','minProperties':1,"
                + "'properties':{'status':{'type':'object'}}}"), P, StructuralSchema.Options.defaults()
                        .statusSubresource(true));
        assertEquals(1, r.errors().size());
        assertTrue(r.errors().get(0).toString().startsWith(P + ": Invalid value: {\"minProperties\":1,"), r.errors()
                .toString());
        assertTrue(r.errors().get(0).toString().endsWith(": only [Description Type Format Title Maximum ExclusiveMaximum "
                + "Minimum ExclusiveMinimum MaxLength MinLength Pattern MaxItems MinItems UniqueItems MultipleOf Required "
                + "Items Properties ExternalDocs Example XPreserveUnknownFields XValidations] fields are allowed at the "
                + "root of the schema if the status subresource is enabled"));
    }

    @Test
    void celRulesAreCheckedStaticallyOnly() {
        assertEquals(List.of(P + ".x-kubernetes-validations[0].rule: Required value: rule is not specified"),
                errors("{'type':'object','x-kubernetes-validations':[{'rule':' '}]}"));
        ok("{'type':'object','x-kubernetes-validations':[{'rule':'self.a == self.b','message':'a must be b'}]}");
    }

    @Test
    void malformedKeywords() {
        StructuralSchema.ParseResult r = StructuralSchema.parse(json("{'type':5}"), P);
        assertFalse(r.isValid());
        assertNull(r.schema());
        assertEquals(List.of(P + ".type: Invalid value: 5: must be a string"), strings(r.errors()));
        assertThrows(InvalidSchemaException.class, r::orThrow);
    }

    @Test
    void structuralErrorsAreSortedLikeUpstream() {
        assertEquals(List.of(P + ".properties[a].type: Required value: must not be empty for specified object fields",
                P + ".properties[b].type: Required value: must not be empty for specified object fields",
                P + ".type: Required value: must not be empty at the root"),
                errors("{'properties':{'b':{},'a':{}}}"));
    }

    @Test
    void accessors() {
        StructuralSchema s = StructuralSchema.parse(json("{'type':'object','properties':{'spec':{'type':'object',"
                + "'properties':{'replicas':{'type':'integer','format':'int32','default':1,'minimum':0}},"
                + "'required':['replicas']},'status':{'type':'object','x-kubernetes-preserve-unknown-fields':true}}}"))
                .orThrow();
        assertEquals("object", s.type());
        StructuralSchema replicas = s.property("spec").property("replicas");
        assertEquals("int32", replicas.format());
        assertEquals(1, replicas.defaultValue().intValue());
        assertEquals(0.0, replicas.minimum());
        assertEquals(List.of("replicas"), s.property("spec").required());
        assertTrue(s.property("status").preserveUnknownFields());
        assertEquals(List.of("spec", "status"), List.copyOf(s.properties().keySet()));
    }
}
