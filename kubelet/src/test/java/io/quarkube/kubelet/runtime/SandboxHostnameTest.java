package io.quarkube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The sandbox's UTS host name (upstream's GeneratePodHostNameAndDomain and GetNodenameForKernel). */
class SandboxHostnameTest {
  private final SandboxConfigs configs = new SandboxConfigs(null, Optional.of(List.of("10.96.0.10")), "cluster.local");

  private static Pod pod(String hostname, String subdomain, Boolean fqdn) {
    return new PodBuilder().withNewMetadata().withName("p").withNamespace("team").endMetadata().withNewSpec()
        .withHostname(hostname).withSubdomain(subdomain).withSetHostnameAsFQDN(fqdn).endSpec().build();
  }

  @Test
  void theHostNameIsShortByDefault() {
    assertEquals("h1", configs.kernelHostname(pod("h1", "sub", null)));
    assertEquals("h1", configs.kernelHostname(pod("h1", "sub", false)));
    assertEquals("p", configs.kernelHostname(pod(null, null, null)));
  }

  @Test
  void setHostnameAsFqdnMakesTheFqdnTheHostName() {
    assertEquals("h1.sub.team.svc.cluster.local", configs.kernelHostname(pod("h1", "sub", true)));
    assertEquals("p.sub.team.svc.cluster.local", configs.kernelHostname(pod(null, "sub", true)));
  }

  @Test
  void withoutASubdomainThereIsNoFqdn() {
    assertEquals("h1", configs.kernelHostname(pod("h1", null, true)));
  }

  @Test
  void anFqdnLongerThan64CharactersFails() {
    String host = "h".repeat(40);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> configs.kernelHostname(pod(host, "sub", true)));
    assertTrue(e.getMessage().startsWith("failed to construct FQDN from pod hostname and cluster domain, FQDN "
        + host + ".sub.team.svc.cluster.local is too long (64 characters is the max, 67 characters requested)"),
        e.getMessage());
  }

  @Test
  void theSandboxConfigCarriesIt() {
    SandboxConfigs configs = new SandboxConfigs(new PodDirs(Path.of("/tmp/kubelet")), Optional.empty(),
        "cluster.local");
    assertEquals("h1.sub.team.svc.cluster.local", configs.build(pod("h1", "sub", true).toBuilder().editMetadata()
        .withUid("u").endMetadata().build(), 0, "/kubepods").getHostname());
  }
}
