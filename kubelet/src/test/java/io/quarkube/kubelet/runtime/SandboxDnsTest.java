package io.quarkube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodDNSConfigBuilder;
import io.k8s.cri.runtime.v1.DNSConfig;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pod's resolv.conf as the kubelet hands it to the runtime, for each dnsPolicy (upstream's dns.go). */
class SandboxDnsTest {
  private final SandboxConfigs configs = new SandboxConfigs(null, Optional.of(List.of("10.96.0.10")), "cluster.local");

  private static PodBuilder pod(String policy, boolean hostNetwork) {
    return new PodBuilder().withNewMetadata().withName("p").withNamespace("team").endMetadata().withNewSpec()
        .withDnsPolicy(policy).withHostNetwork(hostNetwork).addNewContainer().withName("c").withImage("busybox")
        .endContainer().endSpec();
  }

  @Test
  void clusterFirstPointsAtTheClusterDnsWithTheSearchPath() {
    DNSConfig dns = configs.dnsConfig(pod("ClusterFirst", false).build()).orElseThrow();
    assertEquals(List.of("10.96.0.10"), dns.getServersList());
    assertEquals(List.of("team.svc.cluster.local", "svc.cluster.local", "cluster.local"), dns.getSearchesList());
    assertEquals(List.of("ndots:5"), dns.getOptionsList());
    Pod unset = pod(null, false).build();
    assertEquals(dns, configs.dnsConfig(unset).orElseThrow(), "ClusterFirst is the default");
  }

  @Test
  void defaultAndHostNetworkUseTheHostsResolvConf() {
    assertTrue(configs.dnsConfig(pod("Default", false).build()).isEmpty());
    assertTrue(configs.dnsConfig(pod("ClusterFirst", true).build()).isEmpty(),
        "ClusterFirst with hostNetwork falls back to the host's resolver");
    assertEquals(List.of("10.96.0.10"),
        configs.dnsConfig(pod("ClusterFirstWithHostNet", true).build()).orElseThrow().getServersList());
  }

  @Test
  void noneTakesOnlyThePodsDnsConfigAndClusterFirstMergesIt() {
    var custom = new PodDNSConfigBuilder().withNameservers("192.0.2.1").withSearches("corp.example")
        .addNewOption().withName("ndots").withValue("2").endOption().addNewOption().withName("edns0").endOption()
        .build();
    DNSConfig none = configs.dnsConfig(pod("None", false).editSpec().withDnsConfig(custom).endSpec().build())
        .orElseThrow();
    assertEquals(List.of("192.0.2.1"), none.getServersList());
    assertEquals(List.of("corp.example"), none.getSearchesList());
    assertEquals(List.of("ndots:2", "edns0"), none.getOptionsList());
    DNSConfig merged = configs.dnsConfig(pod("ClusterFirst", false).editSpec().withDnsConfig(custom).endSpec().build())
        .orElseThrow();
    assertEquals(List.of("10.96.0.10", "192.0.2.1"), merged.getServersList());
    assertEquals(List.of("team.svc.cluster.local", "svc.cluster.local", "cluster.local", "corp.example"),
        merged.getSearchesList());
    assertEquals(List.of("ndots:2", "edns0"), merged.getOptionsList(), "the pod's ndots replaces the cluster's");
  }
}
