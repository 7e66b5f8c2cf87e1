package io.quarkube.apiserver.table;

import static io.quarkube.apiserver.table.Cells.age;
import static io.quarkube.apiserver.table.Cells.at;
import static io.quarkube.apiserver.table.Cells.name;
import static io.quarkube.apiserver.table.Cells.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Upstream's printers of flow schemas ({@code MISSINGPL} is the Dangling condition's status, "?" before the API
 * server wrote it) and priority levels ({@code <none>} where a level has no such setting).
 */
final class FlowControlPrinters {
  private static final String NONE = "<none>";

  private FlowControlPrinters() {}

  static void register(Map<String, Printer> m) {
    m.put("flowcontrol.apiserver.k8s.io/flowschemas", Printer.of(List.of(
        Column.objectName(),
        Column.string("PriorityLevel", "`name` is the name of the priority level configuration being referenced "
            + "Required."),
        Column.string("MatchingPrecedence", "`matchingPrecedence` is used to choose among the FlowSchemas that match "
            + "a given request. The chosen FlowSchema is among those with the numerically lowest (which we take to be "
            + "logically highest) MatchingPrecedence.  Each MatchingPrecedence value must be ranged in [1,10000]. "
            + "Note that if the precedence is not specified, it will be set to 1000 as default."),
        Column.string("DistinguisherMethod", "`distinguisherMethod` defines how to compute the flow distinguisher "
            + "for requests that match this schema. `nil` specifies that the distinguisher is disabled and thus "
            + "will always be the empty string."),
        Column.age(),
        Column.string("MissingPL", "references a broken or non-existent PriorityLevelConfiguration")),
        FlowControlPrinters::flowSchema));
    m.put("flowcontrol.apiserver.k8s.io/prioritylevelconfigurations", Printer.of(List.of(
        Column.objectName(),
        Column.string("Type", "`type` indicates whether this priority level is subject to limitation on request "
            + "execution.  A value of `\"Exempt\"` means that requests of this priority level are not subject to a "
            + "limit (and thus are never queued) and do not detract from the capacity made available to other "
            + "priority levels.  A value of `\"Limited\"` means that (a) requests of this priority level _are_ "
            + "subject to limits and (b) some of the server's limited capacity is made available exclusively to "
            + "this priority level. Required."),
        Column.string("NominalConcurrencyShares", "`nominalConcurrencyShares` (NCS) contributes to the computation "
            + "of the NominalConcurrencyLimit (NominalCL) of this level."),
        Column.string("Queues", "`queues` is the number of queues for this priority level. The queues exist "
            + "independently at each apiserver. The value must be positive.  Setting it to 1 effectively precludes "
            + "shufflesharding and thus makes the distinguisher method of associated flow schemas irrelevant.  This "
            + "field has a default value of 64."),
        Column.string("HandSize", "`handSize` is a small positive number that configures the shuffle sharding of "
            + "requests into queues.  When enqueuing a request at this priority level the request's flow identifier "
            + "(a string pair) is hashed and the hash value is used to shuffle the list of queues and deal a hand of "
            + "the size specified here.  This field has a default value of 8."),
        Column.string("QueueLengthLimit", "`queueLengthLimit` is the maximum number of requests allowed to be "
            + "waiting in a given queue of this priority level at a time; excess requests are rejected.  This value "
            + "must be positive.  If not specified, it will be defaulted to 50."),
        Column.age()),
        FlowControlPrinters::priorityLevel));
  }

  private static List<Object> flowSchema(JsonNode o, Instant now) {
    JsonNode method = at(o, "spec", "distinguisherMethod", "type");
    String missing = "?";
    for (JsonNode c : o.path("status").path("conditions")) {
      if ("Dangling".equals(c.path("type").asText())) {
        missing = c.path("status").asText();
        break;
      }
    }
    return List.of(name(o), text(o, "spec", "priorityLevelConfiguration", "name"),
        Cells.number(o, "spec", "matchingPrecedence"), method.isTextual() ? method.asText() : NONE, age(o, now),
        missing);
  }

  private static List<Object> priorityLevel(JsonNode o, Instant now) {
    JsonNode limited = at(o, "spec", "limited");
    Object shares = NONE;
    Object queues = NONE;
    Object handSize = NONE;
    Object queueLengthLimit = NONE;
    if (limited.isObject()) {
      shares = limited.path("nominalConcurrencyShares").asLong(0);
      JsonNode q = limited.path("limitResponse").path("queuing");
      if (q.isObject()) {
        queues = q.path("queues").asLong(0);
        handSize = q.path("handSize").asLong(0);
        queueLengthLimit = q.path("queueLengthLimit").asLong(0);
      }
    }
    List<Object> row = new ArrayList<>(List.of(name(o), text(o, "spec", "type"), shares, queues, handSize,
        queueLengthLimit, age(o, now)));
    return row;
  }
}
