package io.quarkube.apiserver.table;

import static io.quarkube.apiserver.table.Rows.cells;
import static io.quarkube.apiserver.table.Rows.header;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code kubectl get flowschemas,prioritylevelconfigurations} as upstream's printers print them. */
class FlowControlPrintersTest {
  private static final String GROUP = "flowcontrol.apiserver.k8s.io";

  @Test
  void flowSchemas() {
    assertEquals(List.of("Name", "PriorityLevel", "MatchingPrecedence", "DistinguisherMethod", "Age", "MissingPL"),
        header(GROUP, "flowschemas"));
    assertEquals("['x','exempt',1,'<none>','5m','False']", cells(GROUP, "flowschemas",
        "{'apiVersion':'flowcontrol.apiserver.k8s.io/v1','spec':{'priorityLevelConfiguration':{'name':'exempt'},"
            + "'matchingPrecedence':1},'status':{'conditions':[{'type':'Dangling','status':'False'}]}}"));
    // no Dangling condition yet: "?"
    assertEquals("['x','global-default',9900,'ByUser','5m','?']", cells(GROUP, "flowschemas",
        "{'apiVersion':'flowcontrol.apiserver.k8s.io/v1','spec':{'priorityLevelConfiguration':"
            + "{'name':'global-default'},'matchingPrecedence':9900,'distinguisherMethod':{'type':'ByUser'}}}"));
  }

  @Test
  void priorityLevels() {
    assertEquals(List.of("Name", "Type", "NominalConcurrencyShares", "Queues", "HandSize", "QueueLengthLimit", "Age"),
        header(GROUP, "prioritylevelconfigurations"));
    assertEquals("['x','Exempt','<none>','<none>','<none>','<none>','5m']", cells(GROUP,
        "prioritylevelconfigurations", "{'apiVersion':'flowcontrol.apiserver.k8s.io/v1','spec':{'type':'Exempt',"
            + "'exempt':{'nominalConcurrencyShares':0}}}"));
    assertEquals("['x','Limited',5,'<none>','<none>','<none>','5m']", cells(GROUP, "prioritylevelconfigurations",
        "{'apiVersion':'flowcontrol.apiserver.k8s.io/v1','spec':{'type':'Limited','limited':"
            + "{'nominalConcurrencyShares':5,'limitResponse':{'type':'Reject'}}}}"));
    assertEquals("['x','Limited',30,64,6,50,'5m']", cells(GROUP, "prioritylevelconfigurations",
        "{'apiVersion':'flowcontrol.apiserver.k8s.io/v1','spec':{'type':'Limited','limited':"
            + "{'nominalConcurrencyShares':30,'limitResponse':{'type':'Queue','queuing':{'queues':64,'handSize':6,"
            + "'queueLengthLimit':50}}}}}"));
  }
}
