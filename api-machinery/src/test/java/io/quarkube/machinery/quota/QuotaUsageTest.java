package io.quarkube.machinery.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QuotaUsageTest {
  private static final Instant NOW = Instant.parse("2026-03-04T10:00:00Z");

  private static Container container(String name, Map<String, String> requests, Map<String, String> limits) {
    ResourceRequirements r = new ResourceRequirements();
    requests.forEach((k, v) -> r.getRequests().put(k, new Quantity(v)));
    limits.forEach((k, v) -> r.getLimits().put(k, new Quantity(v)));
    return new ContainerBuilder().withName(name).withResources(r).build();
  }

  /** Container c requests 250m cpu and limits memory to 64Mi; init container i requests 1 cpu. */
  private static Pod pod() {
    return new PodBuilder().withNewMetadata().withName("p").endMetadata().withNewSpec()
        .withContainers(container("c", Map.of("cpu", "250m"), Map.of("memory", "64Mi")))
        .withInitContainers(container("i", Map.of("cpu", "1"), Map.of())).endSpec().build();
  }

  private static void assertAmount(String expected, BigDecimal actual, String what) {
    assertEquals(0, new BigDecimal(expected).compareTo(actual), what + ": " + actual);
  }

  @Test
  void podUsageTakesTheLargerOfInitAndContainers() {
    Map<String, BigDecimal> u = QuotaUsage.of("pods", pod(), NOW);
    assertAmount("1", u.get("pods"), "pods");
    assertAmount("1", u.get("count/pods"), "count/pods");
    assertAmount("1", u.get("requests.cpu"), "init container's 1 > 250m");
    assertAmount("1", u.get("cpu"), "cpu is requests.cpu");
    assertAmount(String.valueOf(64L * 1024 * 1024), u.get("requests.memory"), "limit as request");
    assertAmount("0", u.get("limits.cpu"), "no cpu limit");
    assertEquals(Set.of("pods", "count/pods", "cpu", "memory", "ephemeral-storage", "requests.cpu",
        "requests.memory", "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage"),
        u.keySet());
  }

  @Test
  void containersAddUpAndOverheadIsAdded() {
    Pod p = new PodBuilder(pod()).editSpec().addNewContainer().withName("d").withNewResources()
        .addToRequests("cpu", new Quantity("1")).endResources().endContainer()
        .addToOverhead("cpu", new Quantity("100m")).endSpec().build();
    assertAmount("1.35", QuotaUsage.of("pods", p, NOW).get("requests.cpu"), "250m + 1 > 1, plus 100m");
  }

  @Test
  void extendedResourcesAndHugePagesAreChargedAsUpstreamNamesThem() {
    Pod p = new PodBuilder(pod()).editSpec().addToContainers(container("d",
        Map.of("example.com/dongle", "2", "hugepages-2Mi", "4Mi"), Map.of("example.com/dongle", "2")),
        container("e", Map.of(), Map.of("example.com/dongle", "1", "nvidia.com/gpu", "1"))).endSpec().build();
    Map<String, BigDecimal> u = QuotaUsage.of("pods", p, NOW);
    assertAmount("3", u.get("requests.example.com/dongle"), "2 requested + 1 limited (the limit requests)");
    assertAmount("1", u.get("requests.nvidia.com/gpu"), "gpu");
    assertFalse(u.containsKey("example.com/dongle"), "only requests.<name> for an extended resource");
    assertAmount(String.valueOf(4L * 1024 * 1024), u.get("requests.hugepages-2Mi"), "huge pages as requests.");
    assertAmount(String.valueOf(4L * 1024 * 1024), u.get("hugepages-2Mi"), "and by their own name");
    assertTrue(QuotaUsage.mayUse("pods", "requests.example.com/dongle"));
    assertTrue(QuotaUsage.mayUse("pods", "hugepages-1Gi"));
    assertFalse(QuotaUsage.mayUse("pods", "example.com/dongle"));
    assertFalse(QuotaUsage.mayUse("pods", "requests.kubernetes.io/something"));
    assertFalse(QuotaUsage.mayUse("services", "requests.example.com/dongle"));
  }

  @Test
  void missingComputeNamesTheContainersPerResource() {
    assertEquals(Map.of("limits.cpu", List.of("i", "c"), "requests.memory", List.of("i")),
        QuotaUsage.missingCompute(pod(), Set.of("limits.cpu", "requests.memory", "pods")));
    assertEquals(Map.of(), QuotaUsage.missingCompute(pod(), Set.of("requests.cpu")));
  }

  @Test
  void finishedAndPastGracePodsDoNotCount() {
    Pod done = new PodBuilder(pod()).withNewStatus().withPhase("Succeeded").endStatus().build();
    assertEquals(Map.of(), QuotaUsage.of("pods", done, NOW));
    Pod terminating = new PodBuilder(pod()).editMetadata().withDeletionTimestamp("2026-03-04T09:59:00Z")
        .withDeletionGracePeriodSeconds(30L).endMetadata().build();
    assertFalse(QuotaUsage.countsAsPod(terminating, NOW));
    assertTrue(QuotaUsage.countsAsPod(terminating, Instant.parse("2026-03-04T09:59:10Z")));
  }

  @Test
  void servicesCountNodePortsAndLoadBalancers() {
    Service lb = new ServiceBuilder().withNewMetadata().withName("s").endMetadata().withNewSpec()
        .withType("LoadBalancer").addNewPort().withPort(80).endPort().addNewPort().withPort(81).endPort().endSpec()
        .build();
    assertEquals(Map.of("count/services", BigDecimal.ONE, "services", BigDecimal.ONE, "services.loadbalancers",
        BigDecimal.ONE, "services.nodeports", BigDecimal.valueOf(2)), QuotaUsage.of("services", lb, NOW));
    Service plain = new ServiceBuilder().withNewMetadata().withName("s").endMetadata().withNewSpec().addNewPort()
        .withPort(80).endPort().endSpec().build();
    assertEquals(Set.of("count/services", "services"), QuotaUsage.of("services", plain, NOW).keySet());
  }

  @Test
  void claimsCountStorageInTotalAndPerClass() {
    PersistentVolumeClaim c = new PersistentVolumeClaimBuilder().withNewMetadata().withName("c").endMetadata()
        .withNewSpec().withStorageClassName("gold").withNewResources().addToRequests("storage", new Quantity("2Gi"))
        .endResources().endSpec().build();
    Map<String, BigDecimal> u = QuotaUsage.of("persistentvolumeclaims", c, NOW);
    BigDecimal twoGi = BigDecimal.valueOf(2L * 1024 * 1024 * 1024);
    assertEquals(Map.of("count/persistentvolumeclaims", BigDecimal.ONE, "persistentvolumeclaims", BigDecimal.ONE,
        "requests.storage", twoGi, "gold.storageclass.storage.k8s.io/requests.storage", twoGi,
        "gold.storageclass.storage.k8s.io/persistentvolumeclaims", BigDecimal.ONE), u);
  }

  @Test
  void otherKindsCountByGroupResourceOnly() {
    assertEquals(Map.of("count/deployments.apps", BigDecimal.ONE), QuotaUsage.of("deployments.apps",
        new GenericKubernetesResourceBuilder().withNewMetadata().withName("d").endMetadata().build(), NOW));
    assertEquals(Map.of("count/configmaps", BigDecimal.ONE, "configmaps", BigDecimal.ONE), QuotaUsage.of(
        "configmaps", new ConfigMapBuilder().withNewMetadata().withName("c").endMetadata().build(), NOW));
  }

  @Test
  void mayUseTakesInEveryNameAnObjectIsCharged() {
    PersistentVolumeClaim c = new PersistentVolumeClaimBuilder().withNewMetadata().withName("c").endMetadata()
        .withNewSpec().withStorageClassName("gold").endSpec().build();
    Service lb = new ServiceBuilder().withNewMetadata().withName("s").endMetadata().withNewSpec()
        .withType("LoadBalancer").endSpec().build();
    for (var e : Map.of("pods", pod(), "services", lb, "persistentvolumeclaims", c).entrySet()) {
      for (String name : QuotaUsage.of(e.getKey(), e.getValue(), NOW).keySet()) {
        assertTrue(QuotaUsage.mayUse(e.getKey(), name), e.getKey() + " uses " + name);
      }
    }
    assertTrue(QuotaUsage.mayUse("deployments.apps", "count/deployments.apps"));
    assertFalse(QuotaUsage.mayUse("deployments.apps", "pods"));
    assertFalse(QuotaUsage.mayUse("services", "requests.cpu"));
    assertFalse(QuotaUsage.mayUse("pods", "requests.storage"));
  }

  @Test
  void chargeAddsOnlyTheTrackedNames() {
    Map<String, BigDecimal> used = new HashMap<>(Map.of("pods", BigDecimal.ONE, "requests.cpu", BigDecimal.ZERO));
    QuotaUsage.charge(used, QuotaUsage.of("pods", pod(), NOW));
    assertEquals(Map.of("pods", BigDecimal.valueOf(2), "requests.cpu", new BigDecimal("1")), used);
  }
}
