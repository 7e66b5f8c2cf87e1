package io.quarkube.conformance.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Changing a Service's type drops the fields the new type does not use and releases what they held (upstream's
 * dropTypeDependentFields), and the other way round allocates them, the Service staying reachable by name, ClusterIP
 * and NodePort through every change; plus upstream's Service validation messages.
 */
@ExtendWith(TestNamespace.class)
class ServiceTypeChangeTest {
  private final Kubectl kubectl = Kubectl.stock();

  private static Service get(String ns, String name) {
    return Cluster.client().services().inNamespace(ns).withName(name).get();
  }

  @Conformance("cli.patch")
  @Test
  void typeChangesDropAndReleaseTypeDependentFields(String ns) {
    kubectl.run("create", "service", "nodeport", "exp", "--tcp=80:8080", "--node-port=30555", "-n", ns).ok();
    String ip = get(ns, "exp").getSpec().getClusterIP();
    assertEquals("{\"loadBalancer\":{}}", kubectl.run("get", "svc", "exp", "-n", ns, "-o",
        "jsonpath={.status}").ok().out().trim());

    kubectl.run("patch", "svc", "exp", "-n", ns, "-p", "{\"spec\":{\"type\":\"ClusterIP\"}}").ok();
    Service clusterIp = get(ns, "exp");
    assertNull(clusterIp.getSpec().getPorts().get(0).getNodePort());
    assertNull(clusterIp.getSpec().getExternalTrafficPolicy());
    assertEquals(ip, clusterIp.getSpec().getClusterIP());
    // The NodePort was released: another Service may take it.
    kubectl.run("create", "service", "nodeport", "taker", "--tcp=80:8080", "--node-port=30555", "-n", ns).ok();

    kubectl.run("patch", "svc", "exp", "-n", ns, "-p", "{\"spec\":{\"type\":\"NodePort\"}}").ok();
    Service nodePort = get(ns, "exp");
    Integer allocated = nodePort.getSpec().getPorts().get(0).getNodePort();
    assertNotNull(allocated, "ClusterIP -> NodePort allocates a NodePort");
    assertEquals("Cluster", nodePort.getSpec().getExternalTrafficPolicy());

    kubectl.run("patch", "svc", "exp", "-n", ns, "-p",
        "{\"spec\":{\"type\":\"ExternalName\",\"externalName\":\"web." + ns + ".svc.cluster.local\"}}").ok();
    Service external = get(ns, "exp");
    assertNull(external.getSpec().getClusterIP());
    assertTrue(external.getSpec().getClusterIPs() == null || external.getSpec().getClusterIPs().isEmpty());
    assertTrue(external.getSpec().getIpFamilies() == null || external.getSpec().getIpFamilies().isEmpty());
    assertNull(external.getSpec().getIpFamilyPolicy());
    assertNull(external.getSpec().getPorts().get(0).getNodePort());
    assertNull(external.getSpec().getExternalTrafficPolicy());
    // Its ClusterIP and NodePort were released.
    kubectl.run("create", "service", "nodeport", "again", "--tcp=80:8080", "--node-port=" + allocated, "-n", ns)
        .ok();
    kubectl.run("create", "service", "clusterip", "same-ip", "--tcp=80:8080", "--clusterip=" + ip, "-n", ns).ok();
  }

  private static Service create(String ns, String name, String type, String externalName) {
    ServiceBuilder b = new ServiceBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withNewSpec().withType(type).endSpec();
    if (externalName != null) {
      b.editSpec().withExternalName(externalName).endSpec();
    } else {
      b.editSpec().withSelector(BACKEND).addNewPort().withName("http").withProtocol("TCP").withPort(80)
          .withTargetPort(new IntOrString(8080)).endPort().endSpec();
    }
    return Cluster.client().resource(b.build()).create();
  }

  /** Upstream's UpdateService: read, change, and patch what changed. */
  private static Service update(String ns, String name, java.util.function.UnaryOperator<Service> change) {
    return Cluster.client().services().inNamespace(ns).withName(name).edit(change);
  }

  private static final Map<String, String> BACKEND = Map.of("app", "backend");

  /**
   * Upstream's four "should be able to change the type from X to Y" tests side by side in one namespace: a Service
   * turned ExternalName (from ClusterIP and from NodePort) loses its ClusterIP (and NodePort) and its name resolves
   * to the externalName's target, here another Service's FQDN (upstream's externalsvc); an ExternalName Service
   * turned ClusterIP or NodePort gets a ClusterIP (and a NodePort) and answers by name, ClusterIP (and node
   * address:NodePort) from an exec pod (upstream's CheckServiceReachability).
   */
  @Conformance("network.service-type-changes")
  @Test
  void typeChangesKeepTheServiceReachable(String ns) {
    ProxyNode.deployment(ns, "backend", 2, BACKEND);
    create(ns, "externalsvc", "ClusterIP", null);
    String externalFqdn = "externalsvc." + ns + ".svc.cluster.local";
    create(ns, "clusterip-service", "ClusterIP", null);
    create(ns, "nodeport-service", "NodePort", null);
    create(ns, "externalname-service", "ExternalName", "foo.example.com");
    create(ns, "externalname-service-2", "ExternalName", "foo.example.com");

    for (String name : List.of("clusterip-service", "nodeport-service")) {
      Service external = update(ns, name, s -> new ServiceBuilder(s).editSpec().withType("ExternalName")
          .withExternalName(externalFqdn).endSpec().build());
      assertTrue(external.getSpec().getClusterIP() == null || external.getSpec().getClusterIP().isEmpty(),
          name + ": Spec.ClusterIP was not cleared");
      assertNull(external.getSpec().getPorts().get(0).getNodePort(), name + ": the NodePort was not cleared");
    }
    Service clusterIp = update(ns, "externalname-service", s -> new ServiceBuilder(s).editSpec()
        .withType("ClusterIP").withExternalName(null).withSelector(BACKEND).addNewPort().withName("http")
        .withProtocol("TCP").withPort(80).withTargetPort(new IntOrString(8080)).endPort().endSpec().build());
    Service nodePort = update(ns, "externalname-service-2", s -> new ServiceBuilder(s).editSpec()
        .withType("NodePort").withExternalName(null).withSelector(BACKEND).addNewPort().withName("http")
        .withProtocol("TCP").withPort(80).withTargetPort(new IntOrString(8080)).endPort().endSpec().build());
    assertNotNull(clusterIp.getSpec().getClusterIP(), "ExternalName -> ClusterIP allocates a ClusterIP");
    assertNotNull(nodePort.getSpec().getClusterIP(), "ExternalName -> NodePort allocates a ClusterIP");
    Integer allocated = nodePort.getSpec().getPorts().get(0).getNodePort();
    assertNotNull(allocated, "ExternalName -> NodePort allocates a NodePort");

    ProxyNode.awaitReadyEndpoints(ns, "externalname-service", 2);
    ProxyNode.awaitReadyEndpoints(ns, "externalname-service-2", 2);
    String zone = ns + ".svc.cluster.local";
    // Each check is retried as upstream's are (the proxy programs its rules from its own watch a moment later).
    String retry = "ok() { for i in $(seq 30); do \"$@\" && return 0; sleep 1; done; return 1; }; "
        + "answers() { " + ProxyNode.httpGet("\"$1\"", "\"$2\"") + " | grep -q backend-; }; ";
    var r = ProxyNode.run(ns, "execpod", retry + "set -x; "
        + "ok sh -c 'nslookup clusterip-service." + zone + " | grep -q \"canonical name = " + externalFqdn
        + "\"' || exit 11; "
        + "ok sh -c 'nslookup nodeport-service." + zone + " | grep -q \"canonical name = " + externalFqdn
        + "\"' || exit 12; "
        + "ok answers externalname-service 80 || exit 13; "
        + "ok answers " + clusterIp.getSpec().getClusterIP() + " 80 || exit 14; "
        + "ok answers externalname-service-2 80 || exit 15; "
        + "ok answers " + nodePort.getSpec().getClusterIP() + " 80 || exit 16; "
        + "ok answers " + ProxyNode.nodeIp() + " " + allocated + " || exit 17; exit 0");
    assertEquals(0, r.exitCode(), r + "\n11/12 ClusterIP/NodePort -> ExternalName does not resolve to its target, "
        + "13/14 ExternalName -> ClusterIP not reachable by name/ClusterIP, 15/16/17 ExternalName -> NodePort not "
        + "reachable by name/ClusterIP/node address:NodePort");
  }

  @Conformance("api-machinery.validation-errors")
  @Test
  void serviceValidationSpeaksUpstreamsMessages(String ns) {
    String err = kubectl.runWithInput("""
        apiVersion: v1
        kind: Service
        metadata: {name: bad}
        spec:
          ipFamilyPolicy: RequireDualStack
          externalTrafficPolicy: Local
          ports:
          - {name: a, port: 80}
          - {name: b, port: 80, targetPort: a-very-long-port-name}
        """, "create", "-n", ns, "-f", "-").fails().err();
    assertTrue(err.contains("spec.ports[1]: Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\""), err);
    assertTrue(err.contains("spec.ports[1].targetPort: Invalid value: \"a-very-long-port-name\": "
        + "must be no more than 15 characters"), err);
    assertTrue(err.contains("spec.ipFamilyPolicy: Invalid value: \"RequireDualStack\": "
        + "this cluster is not configured for dual-stack services"), err);
    assertTrue(err.contains("spec.externalTrafficPolicy: Invalid value: \"Local\": "
        + "may only be set for externally-accessible services"), err);

    // kubectl create service externalname checks the name itself: the server's rule is seen through a manifest.
    String name = kubectl.runWithInput("""
        apiVersion: v1
        kind: Service
        metadata: {name: ext}
        spec: {type: ExternalName, externalName: Web_Server}
        """, "create", "-n", ns, "-f", "-").fails().err();
    assertTrue(name.contains("spec.externalName: Invalid value: \"Web_Server\": a lowercase RFC 1123 subdomain"),
        name);

    kubectl.runWithInput("""
        apiVersion: v1
        kind: Service
        metadata: {name: sticky}
        spec:
          sessionAffinity: ClientIP
          ports: [{port: 80}]
        """, "create", "-n", ns, "-f", "-").ok();
    assertEquals(10800, get(ns, "sticky").getSpec().getSessionAffinityConfig().getClientIP().getTimeoutSeconds());
    // Without affinity a config is dropped by upstream's defaulting (not refused), so switching off is one field.
    kubectl.run("patch", "svc", "sticky", "-n", ns, "-p", "{\"spec\":{\"sessionAffinity\":\"None\"}}").ok();
    assertNull(get(ns, "sticky").getSpec().getSessionAffinityConfig());
  }
}
