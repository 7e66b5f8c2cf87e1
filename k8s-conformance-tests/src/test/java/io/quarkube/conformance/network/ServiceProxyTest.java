package io.quarkube.conformance.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Services end to end: real pods on containerd, EndpointSlices from the controller manager, the proxy's nftables
 * rules, and cluster DNS. Clients are one-shot busybox pods whose exit code carries the result. (They speak HTTP
 * with nc: the image's static wget crashes on some URLs.)
 */
@ExtendWith(TestNamespace.class)
class ServiceProxyTest {
  private static Service service(String ns, String name, String type, Map<String, String> selector) {
    return ProxyNode.client().resource(new ServiceBuilder().withNewMetadata().withName(name).withNamespace(ns)
        .endMetadata().withNewSpec().withType(type).withSelector(selector)
        .addNewPort().withName("http").withProtocol("TCP").withPort(80).withTargetPort(new IntOrString(8080)).endPort()
        .endSpec().build()).create();
  }

  /** A shell pipeline that GETs / from host:80 and prints the last line of the answer (the page). */
  private static String get(String host) {
    return ProxyNode.httpGet(host, 80);
  }

  @Conformance("network.service-reachable")
  @Test
  void deploymentBehindAServiceByDnsNameNodePortAndScaleDown(String ns) throws Exception {
    Map<String, String> app = Map.of("app", "web");
    ProxyNode.deployment(ns, "web", 3, app);
    Service web = service(ns, "web", "NodePort", app);
    String ip = web.getSpec().getClusterIP();
    ProxyNode.awaitReadyEndpoints(ns, "web", 3);
    ProxyNode.awaitServiceRules(ip, 80, 3);

    // 60 requests by the Service's DNS name: the exit code is how many different pods answered. (HTTP through nc:
    // the test image's static busybox wget segfaults when it resolves a name; nc resolves through the same DNS.)
    String name = "web." + ns + ".svc.cluster.local";
    var distinct = ProxyNode.run(ns, "by-name", "exit $(for i in $(seq 60); do " + get(name) + "; echo; done "
        + "| sort -u | grep -c web-)");
    assertEquals(3, distinct.exitCode(), "pods answering http://" + name + "/: " + distinct);

    // By short name (the pod's resolv.conf search path) and through the ClusterIP itself.
    var byShortName = ProxyNode.run(ns, "by-short-name", get("web") + " | grep -q web- && " + get(ip) + " | grep -q web-");
    assertEquals(0, byShortName.exitCode(), "http://web/ and the ClusterIP from a pod: " + byShortName);

    // NodePort on the node's own address, from the host.
    Node node = ProxyNode.client().nodes().withName(ProxyNode.nodeName()).get();
    String nodeIp = node.getStatus().getAddresses().stream().filter(a -> a.getType().equals("InternalIP"))
        .map(NodeAddress::getAddress).findFirst().orElseThrow();
    int nodePort = web.getSpec().getPorts().get(0).getNodePort();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + nodeIp + ":" + nodePort + "/"))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    assertTrue(r.body().startsWith("web-"), r.body());

    // Scale to 1: the removed pods leave the rules as soon as their endpoints stop being ready.
    ProxyNode.client().apps().deployments().inNamespace(ns).withName("web").scale(1);
    long[] sliceAt = {0};
    long[] rulesAt = {0};
    Await.until(Duration.ofSeconds(60), "one endpoint left in the rules of " + ip, () -> {
      long now = System.nanoTime();
      if (sliceAt[0] == 0 && ProxyNode.readyEndpoints(ns, "web") == 1) {
        sliceAt[0] = now;
      }
      if (rulesAt[0] == 0 && ProxyNode.rules().contains(ip + " . tcp . 80 : goto pick-1")) {
        rulesAt[0] = now;
      }
      return sliceAt[0] != 0 && rulesAt[0] != 0;
    });
    System.out.printf("scale 3 -> 1: rules followed the EndpointSlice within %d ms%n",
        Math.max(0, rulesAt[0] - sliceAt[0]) / 1_000_000);
    var after = ProxyNode.run(ns, "after-scale", "exit $(for i in $(seq 20); do " + get(ip) + "; echo; done "
        + "| sort -u | grep -c web-)");
    assertEquals(1, after.exitCode(), "only the remaining pod answers: " + after);
  }

  @Conformance("network.service-rules")
  @Test
  void serviceWithoutEndpointsIsRefusedAtOnce(String ns) {
    Service empty = service(ns, "empty", "ClusterIP", Map.of("app", "nobody"));
    String ip = empty.getSpec().getClusterIP();
    Await.until(Duration.ofSeconds(10), "a reject rule for " + ip,
        () -> ProxyNode.rules().contains(ip + " . tcp . 80 : goto reject-chain"));
    // nc's timeout is 20 s; a refusal ends it at once with "Connection refused" (exit 3), a timeout would not.
    var rc = ProxyNode.run(ns, "client", "nc -w 20 " + ip + " 80 </dev/null 2>/tmp/err; rc=$?; cat /tmp/err; "
        + "grep -q refused /tmp/err && exit 3; exit $rc");
    assertEquals(3, rc.exitCode(), "connection to a service without endpoints is refused: " + rc);
  }

  @Conformance("network.service-rules")
  @Test
  void deletingTheServiceRemovesEveryRuleItHad(String ns) {
    Map<String, String> app = Map.of("app", "once");
    ProxyNode.server(ns, "once", app);
    ProxyNode.awaitRunning(ns, "once");
    String before = ProxyNode.normalizedRules();
    Service svc = service(ns, "once", "NodePort", app);
    String ip = svc.getSpec().getClusterIP();
    int nodePort = svc.getSpec().getPorts().get(0).getNodePort();
    Await.until(Duration.ofSeconds(60), "rules for " + ip,
        () -> ProxyNode.rules().contains(ip + " . tcp . 80 : goto pick-")
            && ProxyNode.rules().contains("tcp . " + nodePort + " : goto np-pick-"));
    assertFalse(before.equals(ProxyNode.normalizedRules()));
    ProxyNode.client().services().inNamespace(ns).withName("once").delete();
    // Back to what it was: nothing that was not there before the Service (earlier tests' namespaces may still be
    // going away meanwhile, so the table may hold less than before, never more), and no trace of its addresses.
    String podIp = ProxyNode.client().pods().inNamespace(ns).withName("once").get().getStatus().getPodIP();
    java.util.Set<String> beforeLines = new java.util.HashSet<>(before.lines().toList());
    Await.until(Duration.ofSeconds(20), "the ruleset as it was before the Service", () -> {
      String now = ProxyNode.normalizedRules();
      return beforeLines.containsAll(now.lines().toList()) && !now.contains(ip + " ") && !now.contains(podIp + " ")
          && !now.contains(" . " + nodePort + " ");
    });
  }

  @Conformance("network.service-reachable")
  @Test
  void clusterDnsAnswersServiceHeadlessAndSrvNames(String ns) {
    Map<String, String> app = Map.of("app", "db");
    ProxyNode.server(ns, "db-0", app);
    ProxyNode.client().resource(new ServiceBuilder().withNewMetadata().withName("db").withNamespace(ns).endMetadata()
        .withNewSpec().withClusterIP("None").withSelector(app)
        .addNewPort().withName("http").withProtocol("TCP").withPort(80).withTargetPort(new IntOrString(8080)).endPort()
        .endSpec().build()).create();
    Service web = service(ns, "web", "ClusterIP", app);
    ProxyNode.client().resource(new ServiceBuilder().withNewMetadata().withName("ext").withNamespace(ns).endMetadata()
        .withNewSpec().withType("ExternalName").withExternalName("web." + ns + ".svc.cluster.local").endSpec().build())
        .create();
    ProxyNode.awaitRunning(ns, "db-0");
    String podIp = ProxyNode.client().pods().inNamespace(ns).withName("db-0").get().getStatus().getPodIP();
    ProxyNode.awaitReadyEndpoints(ns, "db", 1);
    String zone = ns + ".svc.cluster.local";
    var rc = ProxyNode.run(ns, "lookup", "set -x; "
        + "nslookup web." + zone + " | grep -q 'Address: " + web.getSpec().getClusterIP() + "' || exit 11; "
        + "nslookup db." + zone + " | grep -q 'Address: " + podIp + "' || exit 12; "
        + "nslookup -type=srv _http._tcp.web." + zone + " | grep -q 'web." + zone + "' || exit 13; "
        + "nslookup nope." + zone + " | grep -q NXDOMAIN || exit 14; "
        + "nslookup ext." + zone + " | grep -q 'canonical name = web." + zone + "' || exit 16; "

        + "nslookup example.org | grep -q 'Address: ' && exit 15; exit 0");
    assertEquals(0, rc.exitCode(), rc + "\n11 service, 12 headless, 13 SRV, 14 NXDOMAIN, 15 an outside name was "
        + "answered (tests configure no upstream), 16 ExternalName CNAME");
    assertFalse(ProxyNode.rules().isEmpty());
  }
}
