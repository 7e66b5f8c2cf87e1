package io.quarkube.conformance.controllers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A LoadBalancer Service gets an address from the pool in status.loadBalancer.ingress (kubectl shows it) and gives
 * it back when it stops being a LoadBalancer.
 */
@ExtendWith(TestNamespace.class)
class ServiceLoadBalancerTest {
  private final KubernetesClient client = Cluster.client();
  private final Kubectl kubectl = Kubectl.stock();

  private String ip(String ns, String name) {
    Service s = client.services().inNamespace(ns).withName(name).get();
    return s.getStatus() == null || s.getStatus().getLoadBalancer() == null
        || s.getStatus().getLoadBalancer().getIngress() == null || s.getStatus().getLoadBalancer().getIngress()
            .isEmpty() ? null : s.getStatus().getLoadBalancer().getIngress().get(0).getIp();
  }

  @Test
  void loadBalancerServiceGetsAnIngressAddressAndGivesItBack(String ns) {
    kubectl.run("create", "service", "loadbalancer", "web", "-n", ns, "--tcp=80:8080").ok();
    Await.until(Duration.ofSeconds(30), "an ingress IP", () -> ip(ns, "web") != null);
    String ip = ip(ns, "web");
    assertTrue(ip.startsWith("10.112.0."), ip);
    String out = kubectl.run("get", "service", "web", "-n", ns).ok().out();
    assertTrue(out.contains(ip), out);
    kubectl.run("patch", "service", "web", "-n", ns, "-p", "{\"spec\":{\"type\":\"NodePort\"}}").ok();
    Await.until(Duration.ofSeconds(30), "the address released", () -> ip(ns, "web") == null);
  }
}
