package io.quarkube.scheduler.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.quarkube.scheduler.framework.ApiActions;
import io.quarkube.scheduler.framework.ClusterListers;
import io.quarkube.scheduler.framework.PodNominator;
import io.quarkube.scheduler.framework.plugins.InTreeRegistry;
import io.quarkube.scheduler.framework.runtime.Framework;
import io.quarkube.scheduler.framework.runtime.Parallelizer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
  @Test
  void defaultsAreUpstreams() {
    SchedulerConfiguration c = ConfigLoader.defaults();
    assertEquals(1, c.profiles().size());
    assertEquals("default-scheduler", c.profiles().get(0).schedulerName());
    assertEquals(Duration.ofSeconds(1), c.podInitialBackoff());
    assertEquals(Duration.ofSeconds(10), c.podMaxBackoff());
    assertEquals(Duration.ofSeconds(15), c.leaderElection().leaseDuration());
    assertEquals(Duration.ofSeconds(10), c.leaderElection().renewDeadline());
    assertEquals(Duration.ofSeconds(2), c.leaderElection().retryPeriod());
    assertEquals("kube-system", c.leaderElection().resourceNamespace());
    assertEquals("kube-scheduler", c.leaderElection().resourceName());
  }

  @Test
  void profilesWeightsAndArgs() throws Exception {
    SchedulerConfiguration c = ConfigLoader.parse("""
        apiVersion: kubescheduler.config.k8s.io/v1
        kind: KubeSchedulerConfiguration
        leaderElection:
          leaseDuration: 30s
        profiles:
        - schedulerName: default-scheduler
        - schedulerName: bin-packer
          plugins:
            score:
              disabled: [{name: NodeResourcesBalancedAllocation}]
              enabled: [{name: NodeResourcesFit, weight: 5}]
          pluginConfig:
          - name: NodeResourcesFit
            args:
              scoringStrategy:
                type: MostAllocated
        """);
    assertEquals(Duration.ofSeconds(30), c.leaderElection().leaseDuration());
    assertEquals(List.of("default-scheduler", "bin-packer"), c.profiles().stream().map(Profile::schedulerName)
        .toList());
    Framework f = new Framework(c.profile("bin-packer"), InTreeRegistry.create(), ClusterListers.EMPTY,
        PodNominator.NONE, ApiActions.NONE, new Parallelizer(1));
    assertEquals(5, f.scoreWeight("NodeResourcesFit"));
    assertEquals(0, f.scoreWeight("NodeResourcesBalancedAllocation"));
    assertEquals("MostAllocated", ((io.quarkube.scheduler.framework.plugins.noderesources.Fit) f.plugins()
        .get("NodeResourcesFit")).strategy());
  }

  @Test
  void badInputIsAClearError() {
    assertThrows(IllegalArgumentException.class, () -> ConfigLoader.parse("percentageOfNodesToScore: 150"));
    assertThrows(IllegalArgumentException.class, () -> ConfigLoader.parse("apiVersion: v1"));
    assertThrows(IllegalArgumentException.class, () -> ConfigLoader.parse("""
        profiles:
        - plugins:
            fliter: {}
        """));
    assertThrows(IllegalArgumentException.class, () -> ConfigLoader.parse("""
        profiles:
        - schedulerName: a
        - schedulerName: a
        """));
    IllegalArgumentException timings = assertThrows(IllegalArgumentException.class, () -> ConfigLoader.parse("""
        leaderElection:
          leaseDuration: 10s
          renewDeadline: 10s
        """));
    assertEquals("leaderElection: need 0 < retryPeriod < renewDeadline < leaseDuration", timings.getMessage());
  }
}
