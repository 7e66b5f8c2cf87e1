package io.quarkube.conformance.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Service;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Changing a Service's type drops the fields the new type does not use and releases what they held (upstream's
 * dropTypeDependentFields), and the other way round allocates them; plus upstream's Service validation messages.
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
          sessionAffinity: None
          sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}
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
    assertTrue(err.contains("spec.sessionAffinityConfig: Forbidden: must not be set when session affinity is None"),
        err);

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
  }
}
