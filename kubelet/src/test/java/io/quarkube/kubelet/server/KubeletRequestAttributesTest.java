package io.quarkube.kubelet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class KubeletRequestAttributesTest {
  @Test
  void pathsMapToSubresourcesAsUpstream() {
    assertEquals(new KubeletRequestAttributes("get", "stats", "n"), KubeletRequestAttributes.of("GET",
        "/stats/summary", "n"));
    assertEquals("stats", KubeletRequestAttributes.of("GET", "/stats", "n").subresource());
    assertEquals("metrics", KubeletRequestAttributes.of("GET", "/metrics/cadvisor", "n").subresource());
    assertEquals("log", KubeletRequestAttributes.of("GET", "/logs/syslog", "n").subresource());
    assertEquals("spec", KubeletRequestAttributes.of("GET", "/spec/", "n").subresource());
    assertEquals("proxy", KubeletRequestAttributes.of("GET", "/pods", "n").subresource());
    assertEquals("proxy", KubeletRequestAttributes.of("GET", "/statsfoo", "n").subresource());
    assertEquals(new KubeletRequestAttributes("create", "proxy", "n"), KubeletRequestAttributes.of("POST",
        "/exec/ns/p/c", "n"));
  }
}
