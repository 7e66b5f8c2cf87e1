package io.quarkube.apiserver.endpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class RequestMetricsTest {
  @Test
  void eachCombinationIsOneMeterOfTheRegistryWithUpstreamsTags() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RequestMetrics metrics = new RequestMetrics(registry);
    metrics.total("GET", "pods", 200).increment();
    metrics.total(new String("GET"), "pods", 200).increment();
    metrics.total("GET", "pods", 404).increment();
    assertSame(metrics.duration("LIST", "pods", ""), metrics.duration("LIST", "pods", ""));
    assertNotSame(metrics.duration("LIST", "pods", ""), metrics.duration("LIST", "deployments", "apps"));

    assertEquals(2.0, registry.get("apiserver_request_total").tags("verb", "GET", "resource", "pods", "code", "200")
        .counter().count());
    assertEquals(1.0, registry.get("apiserver_request_total").tags("code", "404").counter().count());
    assertEquals(1, registry.get("apiserver_request_duration_seconds").tags("verb", "LIST", "resource",
        "deployments", "group", "apps").timers().size());
  }
}
