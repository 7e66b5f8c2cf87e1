package io.quarkube.conformance.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkube.conformance.Cluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The service proxy's own endpoints, as kube-proxy serves them on the node: {@code /healthz} (JSON with
 * {@code lastUpdated}, what a load balancer's health check asks) and {@code /metrics} with the sync duration
 * histogram and the rules count. The port follows the API port as the launcher sets it (6443 → 10256).
 */
class ProxyEndpointsTest {
  private static int proxyPort() {
    int api = URI.create(Cluster.client().getMasterUrl().toString()).getPort();
    return api + 3813;
  }

  @Test
  void healthzAndMetrics() throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String base = "http://127.0.0.1:" + proxyPort();
    HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, health.statusCode(), health.body());
    assertTrue(health.body().contains("lastUpdated"), health.body());
    String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(metrics.contains("kubeproxy_sync_proxy_rules_duration_seconds_bucket"), metrics.lines()
        .filter(l -> l.startsWith("kubeproxy")).toList().toString());
    assertTrue(metrics.contains("kubeproxy_sync_proxy_rules_nftables_rules"), "rules count");
  }
}
