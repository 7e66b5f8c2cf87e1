package io.quarkube.scheduler.framework.plugins.noderesources;

import static io.quarkube.scheduler.testing.Fixtures.bound;
import static io.quarkube.scheduler.testing.Fixtures.info;
import static io.quarkube.scheduler.testing.Fixtures.node;
import static io.quarkube.scheduler.testing.Fixtures.nodeInfo;
import static io.quarkube.scheduler.testing.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.quarkube.scheduler.framework.Code;
import io.quarkube.scheduler.framework.CycleState;
import io.quarkube.scheduler.framework.NodeInfo;
import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.framework.Status;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FitTest {
  private final Fit fit = new Fit(MissingNode.getInstance());

  @Test
  void podFitsWhenRequestsFitWhatIsLeft() {
    NodeInfo n = nodeInfo(node("n1", "2", "4Gi", 110).build(), bound(pod("a", "1", "1Gi"), "n1"));
    assertTrue(fit.filter(new CycleState(), info(pod("p", "1", "3Gi").build()), n).isSuccess());
  }

  @Test
  void insufficientCpuAndMemoryAreBothReported() {
    NodeInfo n = nodeInfo(node("n1", "2", "4Gi", 110).build(), bound(pod("a", "1500m", "3Gi"), "n1"));
    Status s = fit.filter(new CycleState(), info(pod("p", "1", "2Gi").build()), n);
    assertEquals(Code.UNSCHEDULABLE, s.code());
    assertEquals(List.of("Insufficient cpu", "Insufficient memory"), s.reasons());
  }

  @Test
  void requestLargerThanTheWholeNodeIsUnresolvable() {
    Status s = fit.filter(new CycleState(), info(pod("p", "8", null).build()), nodeInfo(node("n1", "2", "4Gi", 110)
        .build()));
    assertEquals(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, s.code());
    assertEquals("Insufficient cpu", s.message());
  }

  @Test
  void podCountLimit() {
    NodeInfo n = nodeInfo(node("n1", "2", "4Gi", 1).build(), bound(pod("a", null, null), "n1"));
    Status s = fit.filter(new CycleState(), info(pod("p")), n);
    assertEquals("Too many pods", s.message());
    assertEquals(Code.UNSCHEDULABLE, s.code());
  }

  @Test
  void extendedResourcesAndEphemeralStorage() {
    var nb = node("n1", "2", "4Gi", 110);
    nb.editStatus().addToAllocatable("example.com/gpu", new Quantity("1")).endStatus();
    NodeInfo n = nodeInfo(nb.build());
    PodInfo gpu2 = info(pod("p", null, null).editSpec().withContainers(new ContainerBuilder().withName("c")
        .withNewResources().withRequests(Map.of("example.com/gpu", new Quantity("2"), "ephemeral-storage",
            new Quantity("200Gi"))).endResources().build()).endSpec().build());
    Status s = fit.filter(new CycleState(), gpu2, n);
    assertEquals(List.of("Insufficient ephemeral-storage", "Insufficient example.com/gpu"), s.reasons());
  }

  @Test
  void podOverheadCountsInTheRequests() {
    // what the RuntimeClass admission sets from the class's overhead.podFixed: 1 cpu + 250m no longer fits in 1 left
    NodeInfo n = nodeInfo(node("n1", "2", "4Gi", 110).build(), bound(pod("a", "1", "1Gi"), "n1"));
    PodInfo p = info(pod("p", "1", "1Gi").editSpec().withOverhead(Map.of("cpu", new Quantity("250m"), "memory",
        new Quantity("128Mi"))).endSpec().build());
    assertEquals(1250, p.requests().milliCpu);
    assertEquals((1024L + 128) * 1024 * 1024, p.requests().memory);
    assertEquals(List.of("Insufficient cpu"), fit.filter(new CycleState(), p, n).reasons());
    assertTrue(fit.filter(new CycleState(), info(pod("q", "1", "1Gi").build()), n).isSuccess());
  }

  @Test
  void limitsWithoutRequestsCountAsRequests() {
    PodInfo p = info(pod("p", null, null).editSpec().withContainers(new ContainerBuilder().withName("c")
        .withNewResources().withLimits(Map.of("cpu", new Quantity("3"))).endResources().build()).endSpec().build());
    assertEquals(3000, p.requests().milliCpu);
    assertEquals("Insufficient cpu", fit.filter(new CycleState(), p, nodeInfo(node("n1", "2", "4Gi", 110).build()))
        .message());
  }

  @Test
  void initContainersTakeTheMaxAndSidecarsAdd() {
    PodInfo p = info(pod("p", "1", null).editSpec().withInitContainers(
        new ContainerBuilder().withName("init").withNewResources().withRequests(Map.of("cpu", new Quantity("2")))
            .endResources().build(),
        new ContainerBuilder().withName("sidecar").withRestartPolicy("Always").withNewResources()
            .withRequests(Map.of("cpu", new Quantity("500m"))).endResources().build()).endSpec()
        .withNewMetadata().withName("p").withNamespace("ns").endMetadata().build());
    // max(init 2, containers 1 + sidecar 0.5) = 2
    assertEquals(2000, p.requests().milliCpu);
  }

  @Test
  void leastAllocatedPrefersEmptierNodes() {
    PodInfo p = info(pod("p", "1", "1Gi").build());
    NodeInfo empty = nodeInfo(node("n1", "4", "8Gi", 110).build());
    NodeInfo busy = nodeInfo(node("n2", "4", "8Gi", 110).build(), bound(pod("a", "2", "4Gi"), "n2"));
    // n1: cpu (4-1)/4=75, mem (8-1)/8=87 -> 81; n2: cpu 25, mem 37 -> 31
    assertEquals(81, fit.score(new CycleState(), p, empty));
    assertEquals(31, fit.score(new CycleState(), p, busy));
  }

  @Test
  void mostAllocatedPrefersFullerNodes() throws Exception {
    Fit most = new Fit(new ObjectMapper().readTree("{\"scoringStrategy\":{\"type\":\"MostAllocated\"}}"));
    PodInfo p = info(pod("p", "1", "1Gi").build());
    NodeInfo empty = nodeInfo(node("n1", "4", "8Gi", 110).build());
    NodeInfo busy = nodeInfo(node("n2", "4", "8Gi", 110).build(), bound(pod("a", "2", "4Gi"), "n2"));
    assertTrue(most.score(new CycleState(), p, busy) > most.score(new CycleState(), p, empty));
    assertEquals(68, most.score(new CycleState(), p, busy));
  }

  @Test
  void bestEffortPodsScoreWithDefaultRequests() {
    PodInfo p = info(pod("p"));
    assertEquals(100, p.nonZeroRequests().milliCpu);
    assertEquals(200L * 1024 * 1024, p.nonZeroRequests().memory);
    assertEquals(0, p.requests().milliCpu);
  }

  @Test
  void requestedToCapacityRatio() throws Exception {
    Fit r = new Fit(new ObjectMapper().readTree("{\"scoringStrategy\":{\"type\":\"RequestedToCapacityRatio\","
        + "\"resources\":[{\"name\":\"cpu\",\"weight\":1}],\"requestedToCapacityRatio\":{\"shape\":["
        + "{\"utilization\":0,\"score\":0},{\"utilization\":100,\"score\":10}]}}}"));
    PodInfo p = info(pod("p", "1", null).build());
    assertEquals(25, r.score(new CycleState(), p, nodeInfo(node("n1", "4", "8Gi", 110).build())));
  }
}
