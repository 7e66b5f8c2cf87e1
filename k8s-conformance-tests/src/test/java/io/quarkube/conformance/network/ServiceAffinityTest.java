package io.quarkube.conformance.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream's session affinity tests (service.go, execAffinityTestForNonLBService): three backends behind a Service
 * with {@code sessionAffinity: ClientIP}; from one exec pod, {@value #REQUESTS} consecutive requests (upstream's
 * AffinityConfirmCount) all reach the same pod, through the ClusterIP and through the node's address and NodePort;
 * switched to None they spread over several pods; switched back, they stick again. The proxy's nftables rules keep
 * the client's address in a timed set per endpoint (upstream's default timeout, 10800 s).
 */
@ExtendWith(TestNamespace.class)
class ServiceAffinityTest {
  private static final int REQUESTS = 15;
  private static final Duration CONVERGE = Duration.ofSeconds(60);

  private static Service sticky(String ns, String name, String type, Map<String, String> selector) {
    return ProxyNode.client().resource(new ServiceBuilder().withNewMetadata().withName(name).withNamespace(ns)
        .endMetadata().withNewSpec().withType(type).withSelector(selector).withSessionAffinity("ClientIP")
        .addNewPort().withName("http").withProtocol("TCP").withPort(80).withTargetPort(new IntOrString(8080)).endPort()
        .endSpec().build()).create();
  }

  private static void setAffinity(String ns, String name, String affinity) {
    // A merge patch of the one field (no resourceVersion): upstream's defaulting drops the config with None.
    ProxyNode.client().services().inNamespace(ns).withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":{\"sessionAffinity\":\"" + affinity + "\"}}");
  }

  /** How many different backends answered {@value #REQUESTS} requests to host:port, or -1 when one went unanswered. */
  private static int backendsAnswering(String ns, String host, int port) {
    var r = ProxyNode.exec(ns, "execpod", "for i in $(seq " + REQUESTS + "); do " + ProxyNode.httpGet(host, port)
        + "; echo; done > /tmp/answers; grep -c affinity- /tmp/answers; grep affinity- /tmp/answers | sort -u | wc -l");
    String[] counts = r.log().trim().split("\\s+");
    return counts.length == 2 && counts[0].equals(String.valueOf(REQUESTS)) ? Integer.parseInt(counts[1]) : -1;
  }

  /** Awaits {@value #REQUESTS} consecutive requests all reaching one backend (upstream's checkAffinity, true). */
  private static void awaitAffinity(String ns, String host, int port) {
    Await.until(CONVERGE, REQUESTS + " requests to " + host + ":" + port + " all reach the same pod",
        () -> backendsAnswering(ns, host, port) == 1);
  }

  /** Awaits requests reaching more than one backend (upstream's checkAffinity, false). */
  private static void awaitSpread(String ns, String host, int port) {
    Await.until(CONVERGE, REQUESTS + " requests to " + host + ":" + port + " reach several pods",
        () -> backendsAnswering(ns, host, port) > 1);
  }

  @Conformance("network.service-session-affinity")
  @Test
  void clientIpAffinityHoldsAndSwitchesForClusterIpAndNodePort(String ns) {
    Map<String, String> app = Map.of("app", "affinity");
    ProxyNode.deployment(ns, "affinity", 3, app);
    Service clusterIp = sticky(ns, "affinity-clusterip", "ClusterIP", app);
    Service nodePort = sticky(ns, "affinity-nodeport", "NodePort", app);
    assertEquals(10800, clusterIp.getSpec().getSessionAffinityConfig().getClientIP().getTimeoutSeconds());
    ProxyNode.execPod(ns, "execpod");
    ProxyNode.awaitReadyEndpoints(ns, "affinity-clusterip", 3);
    ProxyNode.awaitReadyEndpoints(ns, "affinity-nodeport", 3);
    ProxyNode.awaitRunning(ns, "execpod");
    // The proxy remembers clients for upstream's default timeout: 10800 s, which nft prints as 3h.
    Await.until(CONVERGE, "timed affinity sets for " + clusterIp.getSpec().getClusterIP(),
        () -> ProxyNode.rules().contains("timeout 3h"));

    String ip = clusterIp.getSpec().getClusterIP();
    String nodeIp = ProxyNode.nodeIp();
    int port = nodePort.getSpec().getPorts().get(0).getNodePort();
    // "should have session affinity work for service with type clusterIP / for NodePort service"
    awaitAffinity(ns, ip, 80);
    awaitAffinity(ns, nodeIp, port);

    // "should be able to switch session affinity for service with type clusterIP / for NodePort service"
    setAffinity(ns, "affinity-clusterip", "None");
    setAffinity(ns, "affinity-nodeport", "None");
    assertTrue(ProxyNode.client().services().inNamespace(ns).withName("affinity-clusterip").get().getSpec()
        .getSessionAffinityConfig() == null, "None drops the affinity config");
    awaitSpread(ns, ip, 80);
    awaitSpread(ns, nodeIp, port);
    setAffinity(ns, "affinity-clusterip", "ClientIP");
    setAffinity(ns, "affinity-nodeport", "ClientIP");
    awaitAffinity(ns, ip, 80);
    awaitAffinity(ns, nodeIp, port);
  }
}
