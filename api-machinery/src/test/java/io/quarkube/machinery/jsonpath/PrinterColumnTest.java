package io.quarkube.machinery.jsonpath;

import static io.quarkube.machinery.jsonpath.JsonPathTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.quarkube.machinery.schema.FieldError;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Cases from upstream's {@code tableconvertor_test.go} and {@code duration_test.go}. */
class PrinterColumnTest {

    private static final JsonNodeFactory N = JsonNodeFactory.instance;
    private static final Instant NOW = Instant.parse("2024-06-01T12:00:00Z");

    private static JsonNode cell(String type, JsonNode value) {
        return PrinterColumn.cellForValue(type, value, NOW);
    }

    @Test
    void cellForJsonValue() {
        assertEquals(N.numberNode(42L), cell("integer", N.numberNode(42L)));
        assertEquals(N.numberNode(3L), cell("integer", N.numberNode(3.14)));
        assertEquals(N.nullNode(), cell("integer", N.booleanNode(true)));
        assertEquals(N.nullNode(), cell("integer", N.textNode("foo")));

        assertEquals(N.numberNode(42.0), cell("number", N.numberNode(42L)));
        assertEquals(N.numberNode(3.14), cell("number", N.numberNode(3.14)));
        assertEquals(N.nullNode(), cell("number", N.booleanNode(true)));
        assertEquals(N.nullNode(), cell("number", N.textNode("foo")));

        assertEquals(N.nullNode(), cell("boolean", N.numberNode(42L)));
        assertEquals(N.booleanNode(true), cell("boolean", N.booleanNode(true)));
        assertEquals(N.nullNode(), cell("boolean", N.textNode("foo")));

        assertEquals(N.nullNode(), cell("string", N.numberNode(42L)));
        assertEquals(N.textNode("foo"), cell("string", N.textNode("foo")));

        assertEquals(N.nullNode(), cell("date", N.numberNode(42L)));
        String past = DateTimeFormatter.ISO_INSTANT.format(NOW.minus(Duration.ofHours(12).plusMinutes(30))
                .truncatedTo(ChronoUnit.SECONDS));
        assertEquals(N.textNode("12h"), cell("date", N.textNode(past)));
        String future = DateTimeFormatter.ISO_INSTANT.format(NOW.plus(Duration.ofHours(12).plusMinutes(30)));
        assertEquals(N.textNode("<invalid>"), cell("date", N.textNode(future)));
        assertEquals(N.textNode("<unknown>"), cell("date", N.textNode("")));
        assertEquals(N.textNode("<invalid>"), cell("date", N.textNode("yesterday")));

        assertEquals(N.nullNode(), cell("unknown", N.textNode("foo")));
        assertEquals(N.nullNode(), cell("integer", N.nullNode()));
    }

    private static final JsonNode OBJ = json("{'metadata':{'name':'a','creationTimestamp':'2024-06-01T11:55:00Z'},"
            + "'spec':{'replicas':3,'ratio':0.5,'paused':false,'selector':{'app':'x'},'nothing':null,"
            + "'items':[{'name':'first'},{'name':'second'}]},"
            + "'status':{'conditions':[{'type':'Progressing','status':'True'},{'type':'Ready','status':'False'}]}}");

    private static JsonNode column(String type, String jsonPath) {
        return PrinterColumn.of("c", type, "", jsonPath).cell(OBJ, NOW);
    }

    @Test
    void cells() {
        assertEquals(N.numberNode(3L), column("integer", ".spec.replicas"));
        assertEquals(N.textNode("3"), column("string", ".spec.replicas"));
        assertEquals(N.numberNode(0.5), column("number", ".spec.ratio"));
        assertEquals(N.booleanNode(false), column("boolean", ".spec.paused"));
        assertEquals(N.textNode("false"), column("string", ".spec.paused"));
        assertEquals(N.textNode("False"), column("string", ".status.conditions[?(@.type==\"Ready\")].status"));
        assertEquals(N.textNode("5m"), column("date", ".metadata.creationTimestamp"));
        // the table convertor takes the first value only
        assertEquals(N.textNode("first"), column("string", ".spec.items[*].name"));
        assertEquals(N.textNode("{\"app\":\"x\"}"), column("string", ".spec.selector"));
        assertEquals(N.textNode("<no value>"), column("string", ".spec.nothing"));
        assertEquals(N.nullNode(), column("integer", ".spec.nothing"));
        // missing values and evaluation errors give empty cells
        assertEquals(N.nullNode(), column("string", ".spec.missing"));
        assertEquals(N.nullNode(), column("string", ".spec.items[5].name"));
        assertEquals(N.nullNode(), column("integer", ".spec.items"));
        assertEquals(List.of("first", "second"), PrinterColumn.of("c", "string", "", ".spec.items[*].name").values(OBJ)
                .stream().map(JsonNode::asText).collect(Collectors.toList()));
    }

    @Test
    void definitions() {
        PrinterColumn c = PrinterColumn.of(json("{'name':'Replicas','type':'integer','jsonPath':'.spec.replicas',"
                + "'priority':1}"));
        assertEquals(json("{'name':'Replicas','type':'integer','format':'','description':'Custom resource definition "
                + "column (in JSONPath format): .spec.replicas','priority':1}"), c.definition());
        assertEquals("unrecognized column definition \".spec[\"",
                assertThrows(JsonPathException.class, () -> PrinterColumn.of("x", "string", "", ".spec[")).getMessage());
    }

    @Test
    void validation() {
        String p = "spec.versions[0].additionalPrinterColumns[0]";
        assertEquals(List.of(p + ".name: Required value",
                p + ".type: Required value: must be one of boolean,date,integer,number,string",
                p + ".JSONPath: Required value"),
                PrinterColumn.validate(json("{}"), p).stream().map(FieldError::toString).collect(Collectors.toList()));
        assertEquals(List.of(p + ".type: Invalid value: \"int\": must be one of boolean,date,integer,number,string",
                p + ".format: Invalid value: \"x\": must be one of byte,date,date-time,double,float,int32,int64,password",
                p + ".JSONPath: Invalid value: \"spec.x\": must be a simple json path starting with ."),
                PrinterColumn.validate(json("{'name':'a','type':'int','format':'x','jsonPath':'spec.x'}"), p).stream()
                        .map(FieldError::toString).collect(Collectors.toList()));
    }

    @Test
    void humanDuration() {
        String[][] cases = {{"1s", "1s"}, {"70s", "70s"}, {"190s", "3m10s"}, {"60m", "60m"}, {"2h", "120m"},
            {"3h", "3h"}, {"4h30m", "4h30m"}, {"23h", "23h"}, {"47h", "47h"}, {"48h", "2d"}, {"49h", "2d1h"},
            {"192h", "8d"}, {"8760h", "365d"}, {"17520h", "2y"}, {"17544h", "2y1d"}, {"70080h", "8y"}};
        for (String[] c : cases) {
            assertEquals(c[1], PrinterColumn.humanDuration(Duration.parse("PT" + c[0].toUpperCase())), c[0]);
        }
        assertEquals("0s", PrinterColumn.humanDuration(Duration.ofMillis(-1500)));
        assertEquals("<invalid>", PrinterColumn.humanDuration(Duration.ofSeconds(-2)));
    }
}
