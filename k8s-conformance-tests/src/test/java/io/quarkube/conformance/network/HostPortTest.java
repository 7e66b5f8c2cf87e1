package io.quarkube.conformance.network;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream's "HostPort validates that there is no conflict between pods with same hostPort but different hostIP and
 * protocol" (test/e2e/network/hostport.go): three netexec pods scheduled onto the one node with hostPort 54323 on
 * 127.0.0.1/TCP, on the node's address/TCP and on the node's address/UDP; from the node (upstream: a hostNetwork pod
 * with curl and nc -u; here this test process, which runs on the node) each answers its own name.
 */
@ExtendWith(TestNamespace.class)
class HostPortTest {
  private static final int PORT = 54323;
  private static final Duration CONVERGE = Duration.ofSeconds(60);

  private static void pod(String ns, String name, String hostIp, String protocol) {
    ProxyNode.client().resource(new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withNewSpec().withNodeSelector(Map.of("kubernetes.io/hostname", ProxyNode.nodeName()))
        .withTerminationGracePeriodSeconds(1L).addNewContainer().withName("agnhost").withImage(ProxyNode.NETEXEC)
        .withArgs("--http-port=8080", "--udp-port=8080").addNewPort().withContainerPort(8080).withHostPort(PORT)
        .withHostIP(hostIp).withProtocol(protocol).endPort().endContainer().endSpec().build()).create();
  }

  private static String http(String ip) {
    try {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      return client.send(HttpRequest.newBuilder(URI.create("http://" + ip + ":" + PORT + "/hostname"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  private static String udp(String ip) {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(2000);
      byte[] request = "hostname".getBytes(StandardCharsets.UTF_8);
      socket.send(new DatagramPacket(request, request.length, InetAddress.getByName(ip), PORT));
      DatagramPacket reply = new DatagramPacket(new byte[512], 512);
      socket.receive(reply);
      return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      return "";
    }
  }

  @Conformance("network.hostport-hostip-protocol")
  @Test
  void podsShareAHostPortOnDifferentHostIpsAndProtocols(String ns) {
    String nodeIp = ProxyNode.nodeIp();
    pod(ns, "pod1", "127.0.0.1", "TCP");
    pod(ns, "pod2", nodeIp, "TCP");
    pod(ns, "pod3", nodeIp, "UDP");
    ProxyNode.awaitRunning(ns, "pod1", "pod2", "pod3");
    Await.until(CONVERGE, "pod1 answers http://127.0.0.1:" + PORT + "/hostname", () -> http("127.0.0.1")
        .equals("pod1"));
    Await.until(CONVERGE, "pod2 answers http://" + nodeIp + ":" + PORT + "/hostname", () -> http(nodeIp)
        .equals("pod2"));
    Await.until(CONVERGE, "pod3 answers udp " + nodeIp + ":" + PORT, () -> udp(nodeIp).equals("pod3"));
  }
}
