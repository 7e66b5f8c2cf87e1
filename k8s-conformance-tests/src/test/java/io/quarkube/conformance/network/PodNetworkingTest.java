package io.quarkube.conformance.network;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream's "Networking Granular Checks: Pods" (test/e2e/common/network/networking.go): netserver pods (the
 * project's netexec image, as upstream's agnhost netexec) answer {@code /hostName} over HTTP on 8083 and
 * {@code hostname} over UDP on 8081 with their own name; the test container pod (upstream: its /dial asks the
 * netserver) and the node (upstream: curl and nc -u from a hostNetwork pod; here HTTP from a hostNetwork pod and UDP
 * from this test process, which runs on the node) each reach every netserver at its pod IP and get its name.
 */
@ExtendWith(TestNamespace.class)
class PodNetworkingTest {
  private static final List<String> NETSERVERS = List.of("netserver-0", "netserver-1");
  private static final Duration DIAL = Duration.ofSeconds(60);

  private static void netserver(String ns, String name) {
    ProxyNode.client().resource(new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withNewSpec().withNodeName(ProxyNode.nodeName()).withTerminationGracePeriodSeconds(1L)
        .addNewContainer().withName("webserver").withImage(ProxyNode.NETEXEC)
        .withArgs("--http-port=8083", "--udp-port=8081")
        .addNewPort().withName("http").withContainerPort(8083).endPort()
        .addNewPort().withName("udp").withContainerPort(8081).withProtocol("UDP").endPort()
        .endContainer().endSpec().build()).create();
  }

  /** Awaits {@code from} getting {@code expected} from http://ip:8083/hostName (upstream retries its dials too). */
  private static void awaitHostName(String ns, String from, String ip, String expected) {
    String get = "printf 'GET /hostName HTTP/1.0\\r\\n\\r\\n' | nc -w 3 " + ip + " 8083 | tail -n 1";
    Await.until(DIAL, from + " gets " + expected + " from http://" + ip + ":8083/hostName",
        () -> ProxyNode.exec(ns, from, get).log().trim().equals(expected));
  }

  /** Awaits the test container pod's netexec getting {@code expected} from udp ip:8081 ("hostname"). */
  private static void awaitUdpHostNameFromPod(String ns, String ip, String expected) {
    Await.until(DIAL, "test-container-pod gets " + expected + " from udp " + ip + ":8081",
        () -> ProxyNode.udp(ns, "test-container-pod", ip, 8081, "hostname").equals(expected));
  }

  /** Awaits {@code expected} from udp ip:8081 sent from this process, on the node as a hostNetwork pod would be. */
  private static void awaitUdpHostNameFromNode(String ip, String expected) {
    Await.until(DIAL, "the node gets " + expected + " from udp " + ip + ":8081", () -> {
      try (DatagramSocket socket = new DatagramSocket()) {
        socket.setSoTimeout(2000);
        byte[] request = "hostname".getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(request, request.length, InetAddress.getByName(ip), 8081));
        DatagramPacket reply = new DatagramPacket(new byte[512], 512);
        socket.receive(reply);
        return expected.equals(new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8).trim());
      } catch (IOException e) {
        return false; // no answer yet
      }
    });
  }

  @Conformance({"network.pod-networking-http", "network.pod-networking-udp"})
  @Test
  void podsAndTheNodeReachEveryPodOverHttpAndUdp(String ns) {
    NETSERVERS.forEach(name -> netserver(ns, name));
    // busybox for HTTP (its first container, kubectl exec's default) and netexec for UDP, which busybox lacks
    ProxyNode.netexecClientPod(ns, "test-container-pod");
    ProxyNode.client().resource(ProxyNode.clientPod(ns, "host-test-container-pod", "exec sleep 3600").editSpec()
        .withHostNetwork(true).endSpec().build()).create();
    ProxyNode.awaitRunning(ns, "netserver-0", "netserver-1", "test-container-pod", "host-test-container-pod");
    for (String name : NETSERVERS) {
      String ip = ProxyNode.client().pods().inNamespace(ns).withName(name).get().getStatus().getPodIP();
      // "should function for intra-pod communication: http"
      awaitHostName(ns, "test-container-pod", ip, name);
      // "should function for node-pod communication: http"
      awaitHostName(ns, "host-test-container-pod", ip, name);
      // "should function for intra-pod communication: udp"
      awaitUdpHostNameFromPod(ns, ip, name);
      // "should function for node-pod communication: udp"
      awaitUdpHostNameFromNode(ip, name);
    }
  }
}
