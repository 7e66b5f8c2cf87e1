package io.quarkube.conformance.network;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream's "Networking Granular Checks: Pods" (test/e2e/common/network/networking.go): netserver pods answer
 * {@code /hostName} over HTTP on 8083 with their own name; the test container pod (upstream: its /dial asks the
 * netserver) and a hostNetwork pod on the node (upstream: curl from the host test container) each reach every
 * netserver at its pod IP and get that netserver's name. busybox httpd stands in for agnhost netexec.
 */
@ExtendWith(TestNamespace.class)
class PodNetworkingTest {
  private static final List<String> NETSERVERS = List.of("netserver-0", "netserver-1");
  private static final Duration DIAL = Duration.ofSeconds(60);

  private static void netserver(String ns, String name) {
    ProxyNode.client().resource(new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withNewSpec().withNodeName(ProxyNode.nodeName()).withTerminationGracePeriodSeconds(1L).addNewContainer().withName("webserver").withImage("busybox")
        .withCommand("sh", "-c", "mkdir -p /www && hostname > /www/hostName && exec httpd -f -p 8083 -h /www")
        .addNewPort().withName("http").withContainerPort(8083).endPort().endContainer().endSpec().build()).create();
  }

  /** Awaits {@code from} getting {@code expected} from http://ip:8083/hostName (upstream retries its dials too). */
  private static void awaitHostName(String ns, String from, String ip, String expected) {
    String get = "printf 'GET /hostName HTTP/1.0\\r\\n\\r\\n' | nc -w 3 " + ip + " 8083 | tail -n 1";
    Await.until(DIAL, from + " gets " + expected + " from http://" + ip + ":8083/hostName",
        () -> ProxyNode.exec(ns, from, get).log().trim().equals(expected));
  }

  @Conformance("network.pod-networking-http")
  @Test
  void podsAndTheNodeReachEveryPodOverHttp(String ns) {
    NETSERVERS.forEach(name -> netserver(ns, name));
    ProxyNode.execPod(ns, "test-container-pod");
    ProxyNode.client().resource(ProxyNode.clientPod(ns, "host-test-container-pod", "exec sleep 3600").editSpec()
        .withHostNetwork(true).endSpec().build()).create();
    ProxyNode.awaitRunning(ns, "netserver-0", "netserver-1", "test-container-pod", "host-test-container-pod");
    for (String name : NETSERVERS) {
      String ip = ProxyNode.client().pods().inNamespace(ns).withName(name).get().getStatus().getPodIP();
      // "should function for intra-pod communication: http"
      awaitHostName(ns, "test-container-pod", ip, name);
      // "should function for node-pod communication: http"
      awaitHostName(ns, "host-test-container-pod", ip, name);
    }
  }
}
