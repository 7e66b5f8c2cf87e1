package io.quarkube.conformance.network;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Where cluster DNS and the proxy's rules follow CoreDNS and upstream's nftables kube-proxy in the details a pod
 * sees: an ExternalName pointing at a cluster name resolves to addresses, the bare service name has SRV records, the
 * zone answers its schema version and name server, and a ClusterIP's undefined port is refused instead of hanging.
 */
@ExtendWith(TestNamespace.class)
class ClusterDnsParityTest {
  private static Service web(String ns, Map<String, String> app) {
    return ProxyNode.client().resource(new ServiceBuilder().withNewMetadata().withName("web").withNamespace(ns)
        .endMetadata().withNewSpec().withSelector(app)
        .addNewPort().withName("http").withProtocol("TCP").withPort(80).withTargetPort(new IntOrString(8080)).endPort()
        .endSpec().build()).create();
  }

  @Conformance("network.service-reachable")
  @Test
  void externalNameToAClusterNameSrvOfTheBareNameAndTheZonesOwnRecords(String ns) {
    Map<String, String> app = Map.of("app", "web");
    ProxyNode.server(ns, "web-0", app);
    Service web = web(ns, app);
    ProxyNode.client().resource(new ServiceBuilder().withNewMetadata().withName("ext").withNamespace(ns).endMetadata()
        .withNewSpec().withType("ExternalName").withExternalName("web." + ns + ".svc.cluster.local").endSpec().build())
        .create();
    ProxyNode.awaitRunning(ns, "web-0");
    ProxyNode.awaitReadyEndpoints(ns, "web", 1);
    String zone = ns + ".svc.cluster.local";
    String ip = web.getSpec().getClusterIP();
    ProxyNode.awaitServiceRules(ip, 80, 1);
    var rc = ProxyNode.run(ns, "lookup", "set -x; "
        + "nslookup ext." + zone + " | grep -q 'Address: " + ip + "' || exit 11; "
        + "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ext." + zone + " 80 | grep -q web-0 || exit 12; "
        + "nslookup -type=srv web." + zone + " | grep -q '80 web." + zone + "' || exit 13; "
        + "nslookup -type=txt dns-version.cluster.local | grep -q '1.1.0' || exit 14; "
        + "nslookup -type=ns cluster.local | grep -q 'ns.dns.cluster.local' || exit 15; "
        + "nslookup nowhere-" + ns + ".svc.cluster.local | grep -q NXDOMAIN || exit 16; exit 0");
    assertEquals(0, rc.exitCode(), rc + "\n11 ExternalName to a cluster name has no address, 12 not reachable by it, "
        + "13 no SRV for the bare name, 14 dns-version, 15 NS of the zone, 16 unknown namespace not NXDOMAIN");
  }

  @Conformance("network.service-rules")
  @Test
  void aClusterIpRefusesPortsItsServiceDoesNotHave(String ns) {
    Map<String, String> app = Map.of("app", "web");
    ProxyNode.server(ns, "web-0", app);
    Service web = web(ns, app);
    ProxyNode.awaitRunning(ns, "web-0");
    ProxyNode.awaitReadyEndpoints(ns, "web", 1);
    String ip = web.getSpec().getClusterIP();
    ProxyNode.awaitServiceRules(ip, 80, 1);
    // Refused at once (connect fails with "Connection refused"), not silently dropped until nc's timeout.
    var rc = ProxyNode.run(ns, "other-port", "set -x; "
        + "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 " + ip + " 80 | grep -q web-0 || exit 11; "
        + "nc -w 10 " + ip + " 81 </dev/null 2>&1 | tee /dev/stderr | grep -q refused || exit 12; exit 0");
    assertEquals(0, rc.exitCode(), rc + "\n11 the Service's port does not answer, 12 another port is not refused");
  }
}
