package io.quarkube.apiserver.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quarkube.apiserver.discovery.KubectlHarness;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real kubectl 1.32 laying out these tables. */
class KubectlGetTest {

  @Test
  void getPodsDefaultAndWide() throws Exception {
    assumeTrue(KubectlHarness.kubectl().isPresent(), "kubectl 1.32 is not installed");
    try (KubectlHarness h = new KubectlHarness(Rows.NOW)) {
      h.serve("", "pods", List.of(Rows.object("{'metadata':{'name':'web-1','namespace':'default'},"
          + "'spec':{'nodeName':'node-1','containers':[{'name':'a','image':'nginx'}]},'status':{'phase':'Running',"
          + "'podIPs':[{'ip':'10.1.0.5'}],'containerStatuses':[{'name':'a','ready':true,'restartCount':2,"
          + "'state':{'running':{}},'lastState':{'terminated':{'exitCode':1,"
          + "'finishedAt':'2024-05-01T11:59:00Z'}}}]}}")));
      List<String> lines = h.run("get", "pods").lines().toList();
      assertEquals(List.of("NAME", "READY", "STATUS", "RESTARTS", "AGE"), words(lines.get(0)));
      assertEquals(List.of("web-1", "1/1", "Running", "2", "(60s", "ago)", "5m"), words(lines.get(1)));

      List<String> wide = h.run("get", "pods", "-o", "wide").lines().toList();
      assertEquals(List.of("NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED", "NODE",
          "READINESS", "GATES"), words(wide.get(0)));
      assertEquals(List.of("web-1", "1/1", "Running", "2", "(60s", "ago)", "5m", "10.1.0.5", "node-1", "<none>",
          "<none>"), words(wide.get(1)));

      // the name column gets the kind prefix with --show-kind
      assertEquals("pod/web-1", words(h.run("get", "pods", "--show-kind").lines().toList().get(1)).get(0));
    }
  }

  @Test
  void getEventsDeploymentsAndRoles() throws Exception {
    assumeTrue(KubectlHarness.kubectl().isPresent(), "kubectl 1.32 is not installed");
    try (KubectlHarness h = new KubectlHarness(Rows.NOW)) {
      h.serve("", "events", List.of(Rows.object("{'metadata':{'name':'web-1.17c','namespace':'default'},"
          + "'involvedObject':{'kind':'Pod','name':'web-1'},'reason':'Pulled','message':'Pulled image','type':"
          + "'Normal','firstTimestamp':'2024-05-01T11:50:00Z','lastTimestamp':'2024-05-01T11:59:00Z','count':3}")));
      List<String> events = h.run("get", "events").lines().toList();
      assertEquals(List.of("LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"), words(events.get(0)));
      assertEquals(List.of("60s", "Normal", "Pulled", "pod/web-1", "Pulled", "image"), words(events.get(1)));

      h.serve("apps", "deployments", List.of(Rows.object("{'metadata':{'name':'web','namespace':'default'},"
          + "'spec':{'replicas':3,'selector':{'matchLabels':{'app':'web'}},'template':{'spec':{'containers':"
          + "[{'name':'web','image':'nginx'}]}}},'status':{'readyReplicas':3,'updatedReplicas':3,"
          + "'availableReplicas':3}}")));
      List<String> deployments = h.run("get", "deploy").lines().toList();
      assertEquals(List.of("NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"), words(deployments.get(0)));
      assertEquals(List.of("web", "3/3", "3", "3", "5m"), words(deployments.get(1)));

      h.serve("rbac.authorization.k8s.io", "roles", List.of(Rows.object("{'metadata':{'name':'reader',"
          + "'namespace':'default'}}")));
      List<String> roles = h.run("get", "roles").lines().toList();
      assertEquals(List.of("NAME", "CREATED", "AT"), words(roles.get(0)));
      assertEquals(List.of("reader", "2024-05-01T11:55:00Z"), words(roles.get(1)));
    }
  }

  private static List<String> words(String line) {
    return Arrays.asList(line.trim().split("\\s+"));
  }
}
