package io.quarkube.apiserver.table;

import static io.quarkube.apiserver.table.Rows.cells;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodPrinterTest {
  private static final String ONE_CONTAINER = "'spec':{'containers':[{'name':'a','image':'nginx'}]";

  private static String pod(String specExtra, String status) {
    return "{" + ONE_CONTAINER + specExtra + "},'status':" + status + "}";
  }

  @Test
  void columns() {
    assertEquals(List.of("Name", "Ready", "Status", "Restarts", "Age", "IP*", "Node*", "Nominated Node*",
        "Readiness Gates*"), Rows.header("", "pods"));
  }

  @Test
  void runningPod() {
    assertEquals("['x','1/1','Running','0','5m','10.1.0.5','node-1','<none>','<none>']", cells("", "pods",
        pod(",'nodeName':'node-1'", "{'phase':'Running','podIP':'10.1.0.5','podIPs':[{'ip':'10.1.0.5'}],"
            + "'containerStatuses':[{'name':'a','ready':true,'restartCount':0,'state':{'running':{}}}]}")));
  }

  @Test
  void pendingPodWithoutStatus() {
    assertEquals("['x','0/1','Pending','0','5m','<none>','<none>','<none>','<none>']",
        cells("", "pods", pod("", "{'phase':'Pending'}")));
  }

  @Test
  void waitingContainerGivesItsReason() {
    assertEquals("ContainerCreating", status(pod("", "{'phase':'Pending','containerStatuses':[{'name':'a',"
        + "'ready':false,'restartCount':0,'state':{'waiting':{'reason':'ContainerCreating'}}}]}")));
  }

  @Test
  void restartsShowWhenTheLastOneWas() {
    String p = pod("", "{'phase':'Running','containerStatuses':[{'name':'a','ready':false,'restartCount':2,"
        + "'state':{'waiting':{'reason':'CrashLoopBackOff'}},"
        + "'lastState':{'terminated':{'exitCode':1,'finishedAt':'2024-05-01T11:59:00Z'}}}]}");
    assertEquals("['x','0/1','CrashLoopBackOff','2 (60s ago)','5m','<none>','<none>','<none>','<none>']",
        cells("", "pods", p));
  }

  @Test
  void initContainersInProgress() {
    String twoInits = ",'initContainers':[{'name':'i1'},{'name':'i2'}]";
    assertEquals("Init:1/2", status(pod(twoInits, "{'phase':'Pending','initContainerStatuses':["
        + "{'name':'i1','state':{'terminated':{'exitCode':0,'reason':'Completed'}}},"
        + "{'name':'i2','state':{'running':{}}}]}")));
    assertEquals("Init:0/2", status(pod(twoInits, "{'phase':'Pending','initContainerStatuses':["
        + "{'name':'i1','state':{'waiting':{'reason':'PodInitializing'}}}]}")));
    assertEquals("Init:CrashLoopBackOff", status(pod(twoInits, "{'phase':'Pending','initContainerStatuses':["
        + "{'name':'i1','restartCount':3,'state':{'waiting':{'reason':'CrashLoopBackOff'}}}]}")));
    assertEquals("Init:ExitCode:3", status(pod(twoInits, "{'phase':'Pending','initContainerStatuses':["
        + "{'name':'i1','state':{'terminated':{'exitCode':3}}}]}")));
    assertEquals("Init:Signal:9", status(pod(twoInits, "{'phase':'Pending','initContainerStatuses':["
        + "{'name':'i1','state':{'terminated':{'exitCode':137,'signal':9}}}]}")));
    assertEquals("Init:Error", status(pod(twoInits, "{'phase':'Pending','initContainerStatuses':["
        + "{'name':'i1','state':{'terminated':{'exitCode':1,'reason':'Error'}}}]}")));
  }

  @Test
  void initRestartsCountWhileInitializing() {
    String p = pod(",'initContainers':[{'name':'i1'}]", "{'phase':'Pending','initContainerStatuses':["
        + "{'name':'i1','restartCount':4,'state':{'waiting':{'reason':'CrashLoopBackOff'}},"
        + "'lastState':{'terminated':{'exitCode':1,'finishedAt':'2024-05-01T11:58:00Z'}}}],"
        + "'containerStatuses':[{'name':'a','restartCount':0,'state':{'waiting':{'reason':'PodInitializing'}}}]}");
    assertEquals("['x','0/1','Init:CrashLoopBackOff','4 (2m ago)','5m','<none>','<none>','<none>','<none>']",
        cells("", "pods", p));
  }

  @Test
  void sidecarsCountAsContainers() {
    String p = pod(",'initContainers':[{'name':'proxy','restartPolicy':'Always'}]", "{'phase':'Running',"
        + "'conditions':[{'type':'Initialized','status':'True'}],"
        + "'initContainerStatuses':[{'name':'proxy','ready':true,'started':true,'restartCount':1,"
        + "'state':{'running':{}}}],"
        + "'containerStatuses':[{'name':'a','ready':true,'restartCount':0,'state':{'running':{}}}]}");
    assertEquals("['x','2/2','Running','1','5m','<none>','<none>','<none>','<none>']", cells("", "pods", p));
  }

  @Test
  void completedPodIsMarkedAsARowCondition() {
    String p = pod("", "{'phase':'Succeeded','containerStatuses':[{'name':'a','ready':false,'restartCount':0,"
        + "'state':{'terminated':{'exitCode':0,'reason':'Completed'}}}]}");
    ObjectNode t = Rows.table("", "pods", p);
    assertEquals("Completed", t.at("/rows/0/cells/2").asText());
    assertEquals("{\"type\":\"Completed\",\"status\":\"True\",\"reason\":\"Succeeded\","
        + "\"message\":\"The pod has completed successfully.\"}", t.at("/rows/0/conditions/0").toString());
    assertFalse(Rows.table("", "pods", pod("", "{'phase':'Running'}")).at("/rows/0").has("conditions"));
  }

  @Test
  void completedContainerBesideRunningOne() {
    String spec = ",'nodeName':'n'";
    String statuses = "'containerStatuses':[{'name':'a','ready':true,'state':{'running':{}}},"
        + "{'name':'b','ready':false,'state':{'terminated':{'exitCode':0,'reason':'Completed'}}}]";
    assertEquals("Running", status(pod(spec, "{'phase':'Running','conditions':[{'type':'Ready','status':'True'}],"
        + statuses + "}")));
    assertEquals("NotReady", status(pod(spec, "{'phase':'Running','conditions':[{'type':'Ready','status':'False'}],"
        + statuses + "}")));
  }

  @Test
  void terminatedWithoutReason() {
    assertEquals("ExitCode:2", status(pod("", "{'phase':'Running','containerStatuses':[{'name':'a',"
        + "'state':{'terminated':{'exitCode':2}}}]}")));
    assertEquals("Signal:15", status(pod("", "{'phase':'Running','containerStatuses':[{'name':'a',"
        + "'state':{'terminated':{'exitCode':143,'signal':15}}}]}")));
  }

  @Test
  void deletionAndEviction() {
    String deleting = "{'metadata':{'name':'x','deletionTimestamp':'2024-05-01T12:00:30Z'}," + ONE_CONTAINER
        + "},'status':";
    assertEquals("Terminating", status(deleting + "{'phase':'Running'}}"));
    assertEquals("Unknown", status(deleting + "{'phase':'Running','reason':'NodeLost'}}"));
    // a finished pod being deleted keeps its final state
    assertEquals("Succeeded", status(deleting + "{'phase':'Succeeded'}}"));
    assertEquals("Evicted", status(pod("", "{'phase':'Failed','reason':'Evicted'}")));
  }

  @Test
  void schedulingGatesAndReadinessGates() {
    assertEquals("SchedulingGated", status(pod("", "{'phase':'Pending','conditions':[{'type':'PodScheduled',"
        + "'status':'False','reason':'SchedulingGated'}]}")));
    String gates = ",'readinessGates':[{'conditionType':'a.io/one'},{'conditionType':'a.io/two'}]";
    assertEquals("1/2", Rows.table("", "pods", pod(gates, "{'phase':'Running','conditions':["
        + "{'type':'a.io/one','status':'True'},{'type':'a.io/two','status':'False'}]}")).at("/rows/0/cells/8")
        .asText());
  }

  private static String status(String pod) {
    return Rows.table("", "pods", pod).at("/rows/0/cells/2").asText();
  }
}
