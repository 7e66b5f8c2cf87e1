package io.quarkube.kubelet.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodResourcesTest {
  private static Container c(String name, Map<String, String> requests, Map<String, String> limits) {
    ContainerBuilder b = new ContainerBuilder().withName(name).withNewResources().endResources();
    requests.forEach((k, v) -> b.editResources().addToRequests(k, new Quantity(v)).endResources());
    limits.forEach((k, v) -> b.editResources().addToLimits(k, new Quantity(v)).endResources());
    return b.build();
  }

  private static Pod pod(Container... containers) {
    return new PodBuilder().withNewMetadata().withName("p").endMetadata().withNewSpec().withContainers(containers)
        .endSpec().build();
  }

  @Test
  void bestEffortGetsMinimumSharesAndNoLimits() {
    assertEquals(new PodResources(2, -1, -1), PodResources.of(pod(c("a", Map.of(), Map.of()))));
  }

  @Test
  void guaranteedSumsLimits() {
    PodResources r = PodResources.of(pod(c("a", Map.of(), Map.of("cpu", "500m", "memory", "64Mi")),
        c("b", Map.of(), Map.of("cpu", "250m", "memory", "32Mi"))));
    assertEquals(768, r.cpuShares());
    assertEquals(75_000, r.cpuQuota());
    assertEquals(96L * 1024 * 1024, r.memoryLimitBytes());
  }

  @Test
  void burstableLimitsOnlyWhenEveryContainerHasOne() {
    PodResources r = PodResources.of(pod(c("a", Map.of("cpu", "100m"), Map.of("memory", "64Mi")),
        c("b", Map.of("cpu", "100m"), Map.of())));
    assertEquals(204, r.cpuShares());
    assertEquals(-1, r.cpuQuota());
    assertEquals(-1, r.memoryLimitBytes());
    Pod withInit = new PodBuilder(pod(c("a", Map.of(), Map.of("memory", "64Mi")))).editSpec()
        .addToInitContainers(c("i", Map.of(), Map.of("memory", "128Mi"))).endSpec().build();
    assertEquals(128L * 1024 * 1024, PodResources.of(withInit).memoryLimitBytes(), "the larger init container");
  }
}
