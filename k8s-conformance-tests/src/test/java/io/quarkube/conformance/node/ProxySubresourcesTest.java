package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The API server's proxy subresources: {@code nodes/<n>/proxy/...} to the kubelet API (the Summary API at
 * {@code /stats/summary}, {@code /pods}), {@code pods/<name>[:port]/proxy/...} to a pod and
 * {@code services/<name>[:port]/proxy/...} to a ready endpoint, with stock {@code kubectl get --raw}.
 */
@Conformance({"network.proxy-subresources"})
@ExtendWith(TestNamespace.class)
class ProxySubresourcesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PAGE = "hello from quarkube/busybox";

  private static String raw(String path) {
    return Kubectl.stock().run("get", "--raw", path).ok().out();
  }

  private static void web(String ns) {
    RealNode.client().resource(new PodBuilder().withNewMetadata().withName("web").withNamespace(ns)
        .withLabels(Map.of("app", "web")).endMetadata().withNewSpec().withNodeName(RealNode.name())
        .withTerminationGracePeriodSeconds(1L).addNewContainer().withName("main").withImage("busybox")
        .withCommand("httpd", "-f", "-p", "8080", "-h", "/var/www").addNewPort().withName("http")
        .withContainerPort(8080).endPort().endContainer().endSpec().build()).create();
    RealNode.awaitPhase(ns, "web", "Running", Duration.ofSeconds(60));
  }

  @Test
  void statsSummaryThroughNodesProxy(String ns) throws Exception {
    web(ns);
    String node = RealNode.name();
    Await.until(Duration.ofSeconds(30), "the pod in the summary with its container's figures", () -> {
      try {
        JsonNode summary = JSON.readTree(raw("/api/v1/nodes/" + node + "/proxy/stats/summary"));
        for (JsonNode p : summary.path("pods")) {
          if (p.path("podRef").path("name").asText().equals("web") && p.path("podRef").path("namespace")
              .asText().equals(ns)) {
            JsonNode c = p.path("containers").get(0);
            return c != null && c.path("name").asText().equals("main")
                && c.path("memory").path("workingSetBytes").asLong() > 0
                && c.path("cpu").path("usageCoreNanoSeconds").asLong() > 0
                && p.path("memory").path("workingSetBytes").asLong() > 0;
          }
        }
        return false;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    JsonNode summary = JSON.readTree(raw("/api/v1/nodes/" + node + "/proxy/stats/summary"));
    JsonNode n = summary.path("node");
    assertEquals(node, n.path("nodeName").asText());
    assertTrue(n.path("cpu").path("usageCoreNanoSeconds").asLong() > 0, n.toString());
    assertTrue(n.path("memory").path("workingSetBytes").asLong() > 0, n.toString());
    assertTrue(n.path("memory").path("availableBytes").asLong() > 0, n.toString());
    assertTrue(n.path("fs").path("capacityBytes").asLong() > 0, n.toString());
    Await.until(Duration.ofSeconds(30), "a CPU rate between two samples", () -> {
      try {
        return JSON.readTree(raw("/api/v1/nodes/" + node + "/proxy/stats/summary")).path("node").path("cpu")
            .path("usageNanoCores").asLong() > 0;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });

    JsonNode pods = JSON.readTree(raw("/api/v1/nodes/" + node + "/proxy/pods"));
    assertEquals("PodList", pods.path("kind").asText());
    boolean listed = false;
    for (JsonNode p : pods.path("items")) {
      listed |= p.path("metadata").path("name").asText().equals("web");
    }
    assertTrue(listed, "the kubelet's /pods lists the pod");
    assertEquals("ok", raw("/api/v1/nodes/" + node + "/proxy/healthz"));
  }

  @Test
  void podAndServiceProxy(String ns) {
    web(ns);
    assertTrue(raw("/api/v1/namespaces/" + ns + "/pods/web:8080/proxy/").contains(PAGE));
    assertTrue(raw("/api/v1/namespaces/" + ns + "/pods/web/proxy/index.html").contains(PAGE),
        "the first declared container port");
    assertTrue(raw("/api/v1/namespaces/" + ns + "/pods/http:web:http/proxy/").contains(PAGE), "a named port");
    Kubectl.Result missing = Kubectl.stock().run("get", "--raw", "/api/v1/namespaces/" + ns
        + "/pods/web:8080/proxy/nothing-here");
    assertTrue(missing.exitCode() != 0, "the pod's 404 comes through");

    RealNode.client().resource(new ServiceBuilder().withNewMetadata().withName("web").withNamespace(ns)
        .endMetadata().withNewSpec().withSelector(Map.of("app", "web")).addNewPort().withName("http").withPort(80)
        .withTargetPort(new IntOrString(8080)).endPort().endSpec().build()).create();
    Await.until(Duration.ofSeconds(30), "the service answers through services/proxy", () -> {
      Kubectl.Result r = Kubectl.stock().run("get", "--raw", "/api/v1/namespaces/" + ns
          + "/services/web:http/proxy/");
      return r.exitCode() == 0 && r.out().contains(PAGE);
    });
    assertTrue(raw("/api/v1/namespaces/" + ns + "/services/web/proxy/").contains(PAGE), "the only port");
    assertTrue(raw("/api/v1/namespaces/" + ns + "/services/web:80/proxy/").contains(PAGE), "by number");
  }
}
