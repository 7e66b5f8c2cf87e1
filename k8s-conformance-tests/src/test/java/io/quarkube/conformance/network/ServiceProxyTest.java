package io.quarkube.conformance.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
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
    return "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 " + host + " 80 | tail -n 1";
  }

  @Conformance("network.service-reachable")
  @Test
  void clusterIpNodePortAndDnsNameReachEveryReadyPod(String ns) throws Exception {
    Map<String, String> app = Map.of("app", "web");
    for (String name : new String[] {"web-a", "web-b", "web-c"}) {
      ProxyNode.server(ns, name, app);
    }
    Service web = service(ns, "web", "NodePort", app);
    String ip = web.getSpec().getClusterIP();
    ProxyNode.awaitRunning(ns, "web-a", "web-b", "web-c");
    ProxyNode.awaitReadyEndpoints(ns, "web", 3);
    ProxyNode.await(Duration.ofSeconds(10), "rules for " + ip, () -> ProxyNode.rules().contains("numgen random mod 3"));

    // 60 requests through the ClusterIP: the exit code is how many different pods answered.
    var distinct = ProxyNode.run(ns, "by-ip", "exit $(for i in $(seq 60); do " + get(ip) + "; echo; done | sort -u | grep -c web-)");
    assertEquals(3, distinct.exitCode(), "pods answering through " + ip + ":80: " + distinct);

    // By name: the pod's resolv.conf (from the kubelet) points at the cluster DNS, whose search path finds "web".
    var byName = ProxyNode.run(ns, "by-name", get("web") + " | grep -q web- && " + get("web." + ns
        + ".svc.cluster.local") + " | grep -q web-");
    assertEquals(0, byName.exitCode(), "http://web/ and the full name from a pod: " + byName);

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

    // One pod gone: its endpoint leaves the rules.
    String goneIp = ProxyNode.client().pods().inNamespace(ns).withName("web-c").get().getStatus().getPodIP();
    ProxyNode.client().pods().inNamespace(ns).withName("web-c").delete();
    ProxyNode.await(Duration.ofSeconds(30), "endpoint " + goneIp + " out of the rules",
        () -> !ProxyNode.rules().contains("dnat to " + goneIp + ":8080"));
  }

  @Conformance("network.service-rules")
  @Test
  void serviceWithoutEndpointsIsRefusedAtOnce(String ns) {
    Service empty = service(ns, "empty", "ClusterIP", Map.of("app", "nobody"));
    String ip = empty.getSpec().getClusterIP();
    ProxyNode.await(Duration.ofSeconds(10), "a reject rule for " + ip,
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
    Service svc = service(ns, "once", "NodePort", app);
    String ip = svc.getSpec().getClusterIP();
    ProxyNode.awaitRunning(ns, "once");
    ProxyNode.await(Duration.ofSeconds(60), "rules for " + ip, () -> ProxyNode.rules().contains(ip + " . tcp . 80 : goto svc-"));
    assertTrue(ProxyNode.rules().contains("svc-" + ns + "/once/tcp/http"));
    ProxyNode.client().services().inNamespace(ns).withName("once").delete();
    ProxyNode.await(Duration.ofSeconds(10), "no rule of " + ns + "/once left", () -> {
      String rules = ProxyNode.rules();
      return !rules.contains(ip) && !rules.contains(ns + "/once/")
          && !rules.contains(" . " + svc.getSpec().getPorts().get(0).getNodePort() + " :");
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
    ProxyNode.awaitRunning(ns, "db-0");
    String podIp = ProxyNode.client().pods().inNamespace(ns).withName("db-0").get().getStatus().getPodIP();
    ProxyNode.awaitReadyEndpoints(ns, "db", 1);
    String zone = ns + ".svc.cluster.local";
    var rc = ProxyNode.run(ns, "lookup", "set -x; "
        + "nslookup web." + zone + " | grep -q 'Address: " + web.getSpec().getClusterIP() + "' || exit 11; "
        + "nslookup db." + zone + " | grep -q 'Address: " + podIp + "' || exit 12; "
        + "nslookup -type=srv _http._tcp.web." + zone + " | grep -q 'web." + zone + "' || exit 13; "
        + "nslookup nope." + zone + " | grep -q NXDOMAIN || exit 14; "
        + "nslookup example.org | grep -q 'Address: ' && exit 15; exit 0");
    assertEquals(0, rc.exitCode(), rc + "\n11 service, 12 headless, 13 SRV, 14 NXDOMAIN, 15 an outside name was answered");
    assertFalse(ProxyNode.rules().isEmpty());
  }
}
