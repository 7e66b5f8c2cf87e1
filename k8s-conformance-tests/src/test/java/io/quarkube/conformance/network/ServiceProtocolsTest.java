package io.quarkube.conformance.network;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream's "should serve endpoints on same port and different protocols": a Service with port 80 over TCP and over
 * UDP in front of a netexec pod serving both on 80; its Endpoints list the pod with both ports, and both protocols
 * reach it through the ClusterIP; with only the TCP port left UDP no longer answers, with only the UDP port TCP no
 * longer does.
 */
@ExtendWith(TestNamespace.class)
class ServiceProtocolsTest {
  private static final Duration CONVERGE = Duration.ofSeconds(60);

  private static ServicePort port(String name, String protocol) {
    return new ServicePortBuilder().withName(name).withProtocol(protocol).withPort(80)
        .withTargetPort(new IntOrString(80)).build();
  }

  private static void setPorts(String ns, ServicePort... ports) {
    ProxyNode.client().services().inNamespace(ns).withName("proto-test")
        .edit(s -> new ServiceBuilder(s).editSpec().withPorts(ports).endSpec().build());
  }

  private static boolean tcpAnswers(String ns, String ip) {
    return ProxyNode.exec(ns, "execpod", ProxyNode.httpGet(ip, 80).replace("GET /", "GET /hostname")).log().trim()
        .equals("pod1");
  }

  private static boolean udpAnswers(String ns, String ip) {
    return ProxyNode.udp(ns, "execpod", ip, 80, "hostname").equals("pod1");
  }

  @Conformance("network.service-same-port-protocols")
  @Test
  void tcpAndUdpOnOnePortEachReachThePodUntilRemoved(String ns) {
    Map<String, String> labels = Map.of("app", "proto-test");
    String ip = ProxyNode.client().resource(new ServiceBuilder().withNewMetadata().withName("proto-test")
        .withNamespace(ns).endMetadata().withNewSpec().withSelector(labels)
        .withPorts(port("tcp-port", "TCP"), port("udp-port", "UDP")).endSpec().build()).create().getSpec()
        .getClusterIP();
    ProxyNode.client().resource(new PodBuilder().withNewMetadata().withName("pod1").withNamespace(ns)
        .withLabels(labels).endMetadata().withNewSpec().withNodeName(ProxyNode.nodeName())
        .withTerminationGracePeriodSeconds(1L).addNewContainer().withName("netexec").withImage(ProxyNode.NETEXEC)
        .withArgs("--http-port=80", "--udp-port=80")
        .addNewPort().withContainerPort(80).withProtocol("TCP").endPort()
        .addNewPort().withContainerPort(80).withProtocol("UDP").endPort().endContainer().endSpec().build()).create();
    ProxyNode.netexecClientPod(ns, "execpod");
    // upstream's validateEndpointsPortsOrFail: the pod, on 80 once per protocol
    Await.until(CONVERGE, "Endpoints of proto-test list pod1 on 80/TCP and 80/UDP", () -> {
      Endpoints e = ProxyNode.client().endpoints().inNamespace(ns).withName("proto-test").get();
      return e != null && e.getSubsets() != null && e.getSubsets().size() == 1
          && e.getSubsets().get(0).getAddresses() != null && e.getSubsets().get(0).getAddresses().size() == 1
          && e.getSubsets().get(0).getPorts().stream().map(p -> p.getPort() + "/" + p.getProtocol())
          .collect(Collectors.toSet()).equals(Set.of("80/TCP", "80/UDP"));
    });
    ProxyNode.awaitRunning(ns, "pod1", "execpod");

    Await.until(CONVERGE, "TCP to " + ip + ":80 reaches pod1", () -> tcpAnswers(ns, ip));
    Await.until(CONVERGE, "UDP to " + ip + ":80 reaches pod1", () -> udpAnswers(ns, ip));

    setPorts(ns, port("tcp-port", "TCP"));
    Await.until(CONVERGE, "UDP to " + ip + ":80 no longer answers", () -> !udpAnswers(ns, ip));
    Await.until(CONVERGE, "TCP to " + ip + ":80 still reaches pod1", () -> tcpAnswers(ns, ip));

    setPorts(ns, port("udp-port", "UDP"));
    Await.until(CONVERGE, "TCP to " + ip + ":80 no longer answers", () -> !tcpAnswers(ns, ip));
    Await.until(CONVERGE, "UDP to " + ip + ":80 reaches pod1 again", () -> udpAnswers(ns, ip));
  }
}
