package io.quarkube.apiserver.endpoints;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RequestMetricsTest {
  private static RequestMetrics.Key key(String method, String path, String contentType, String dryRun) {
    String rest = path.substring(path.indexOf("/v1/") + 4);
    String group = path.startsWith("/apis/") ? path.split("/")[2] : "";
    boolean watch = path.contains("?watch=true");
    RequestInfo info = RequestInfo.parse(group, "v1", rest.replace("?watch=true", ""), method, watch);
    return RequestMetrics.key(info, method, contentType, dryRun);
  }

  @Test
  void verbsAreUpstreamsHandlerVerbs() {
    assertEquals("LIST", key("GET", "/api/v1/namespaces/a/pods", null, null).verb());
    assertEquals("GET", key("GET", "/api/v1/namespaces/a/pods/p", null, null).verb());
    assertEquals("WATCH", key("GET", "/api/v1/pods?watch=true", null, null).verb());
    assertEquals("POST", key("POST", "/api/v1/namespaces/a/pods", null, null).verb());
    assertEquals("PUT", key("PUT", "/api/v1/namespaces/a/pods/p", null, null).verb());
    assertEquals("PATCH", key("PATCH", "/api/v1/namespaces/a/pods/p", "application/merge-patch+json", null).verb());
    assertEquals("APPLY", key("PATCH", "/api/v1/namespaces/a/pods/p", "application/apply-patch+yaml", null).verb());
    assertEquals("DELETE", key("DELETE", "/api/v1/namespaces/a/pods/p", null, null).verb());
    assertEquals("DELETECOLLECTION", key("DELETE", "/api/v1/namespaces/a/pods", null, null).verb());
    assertEquals("CONNECT", key("POST", "/api/v1/namespaces/a/pods/p/exec", null, null).verb());
    assertEquals("CONNECT", key("GET", "/api/v1/namespaces/a/services/s/proxy/x/y", null, null).verb());
    assertEquals("GET", key("GET", "/api/v1/namespaces/a/pods/p/log", null, null).verb());
  }

  @Test
  void scopeSubresourceGroupVersionAndDryRunAsUpstream() {
    RequestMetrics.Key status = key("PUT", "/apis/apps/v1/namespaces/a/deployments/d/status", null, "All");
    assertEquals(new RequestMetrics.Key("PUT", "All", "apps", "v1", "deployments", "status", "resource"), status);
    assertEquals("namespace", key("GET", "/api/v1/namespaces/a/pods", null, null).scope());
    assertEquals("cluster", key("GET", "/api/v1/pods", null, null).scope());
    assertEquals("cluster", key("GET", "/api/v1/nodes", null, null).scope());
    assertEquals("resource", key("POST", "/api/v1/namespaces/a/pods", null, null).scope());
    assertEquals("resource", key("GET", "/api/v1/namespaces/a", null, null).scope());
    assertEquals("", key("POST", "/api/v1/namespaces/a/pods", null, null).dryRun());
    assertEquals("invalid", RequestMetrics.dryRun("Some"));
    assertEquals(new RequestMetrics.Key("GET", "", "", "", "", "", ""), RequestMetrics.key(null, "GET", null, null));
  }

  @Test
  void longRunningAreWatchesConnectsAndLogs() {
    assertTrue(RequestMetrics.isLongRunning(key("GET", "/api/v1/pods?watch=true", null, null)));
    assertTrue(RequestMetrics.isLongRunning(key("POST", "/api/v1/namespaces/a/pods/p/attach", null, null)));
    assertTrue(RequestMetrics.isLongRunning(key("GET", "/api/v1/namespaces/a/pods/p/log", null, null)));
    assertFalse(RequestMetrics.isLongRunning(key("GET", "/api/v1/namespaces/a/pods", null, null)));
  }

  @Test
  void eachCombinationIsOneSeriesWithUpstreamsLabelsAndBuckets() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RequestMetrics metrics = new RequestMetrics(registry);
    RequestMetrics.Key list = key("GET", "/api/v1/namespaces/a/pods", null, null);
    metrics.series(list).record(3_000_000, true, 200);
    metrics.series(key("GET", "/api/v1/namespaces/a/pods", null, null)).record(30_000_000, true, 200);
    metrics.series(list).record(1_000_000, true, 500);
    assertSame(metrics.series(list), metrics.series(key("GET", "/api/v1/namespaces/a/pods", null, null)));
    assertNotSame(metrics.series(list), metrics.series(key("GET", "/api/v1/pods", null, null)));

    assertEquals(2.0, registry.get("apiserver_request_total").tags("verb", "LIST", "dry_run", "", "group", "",
        "version", "v1", "resource", "pods", "subresource", "", "scope", "namespace", "component", "apiserver",
        "code", "200").counter().count());
    assertEquals(1.0, registry.get("apiserver_request_total").tags("code", "500").counter().count());
    Timer timer = registry.get("apiserver_request_duration_seconds").tags("verb", "LIST", "scope", "namespace",
        "component", "apiserver", "dry_run", "").timer();
    assertEquals(3, timer.count());
    CountAtBucket[] buckets = timer.takeSnapshot().histogramCounts();
    double[] le = Arrays.stream(buckets).mapToDouble(b -> b.bucket(java.util.concurrent.TimeUnit.SECONDS)).toArray();
    assertArrayEquals(new double[] {0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8,
        10, 15, 20, 30, 45, 60}, le, 1e-9);
    assertEquals(2.0, buckets[0].count()); // 1 ms and 3 ms are <= 5 ms, 30 ms is not
    assertEquals(2.0, buckets[1].count());
    assertEquals(3.0, buckets[2].count());
  }

  @Test
  void inflightGaugesByRequestKind() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RequestMetrics metrics = new RequestMetrics(registry);
    metrics.inflight("GET").incrementAndGet();
    metrics.inflight("POST").incrementAndGet();
    metrics.inflight("PATCH").incrementAndGet();
    assertEquals(1.0, registry.get("apiserver_current_inflight_requests").tag("request_kind", "readOnly").gauge()
        .value());
    assertEquals(2.0, registry.get("apiserver_current_inflight_requests").tag("request_kind", "mutating").gauge()
        .value());
    metrics.longRunning(key("GET", "/api/v1/pods?watch=true", null, null)).incrementAndGet();
    assertEquals(1.0, registry.get("apiserver_longrunning_requests").tags("verb", "WATCH", "resource", "pods",
        "scope", "cluster").gauge().value());
  }
}
