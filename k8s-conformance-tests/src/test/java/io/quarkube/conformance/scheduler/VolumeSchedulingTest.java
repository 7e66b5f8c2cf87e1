package io.quarkube.conformance.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.CSINodeBuilder;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The scheduler's volume plugins against the real API server, on simulated nodes with pre-bound PV/PVC pairs (no
 * kubelet, no provisioner): VolumeRestrictions keeps a ReadWriteOncePod claim to one pod in the cluster, VolumeZone
 * keeps a pod on the nodes of its volume's zone, NodeVolumeLimits keeps a node's CSI volumes within its CSINode's
 * count.
 */
@ExtendWith(TestNamespace.class)
class VolumeSchedulingTest {
  private static final String ZONE = "topology.kubernetes.io/zone";
  private static final String RWOP_MESSAGE = "node has pod using PersistentVolumeClaim with the same name and "
      + "ReadWriteOncePod access mode";
  private final SimNodes sim = new SimNodes();
  private final List<String> pvs = new ArrayList<>();
  private final List<String> csiNodes = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    sim.close();
    for (String c : csiNodes) {
      try {
        sim.client.storage().v1().csiNodes().withName(c).delete();
      } catch (RuntimeException e) {
        // already gone
      }
    }
    for (String pv : pvs) {
      try {
        sim.client.persistentVolumes().withName(pv).delete();
      } catch (RuntimeException e) {
        // already gone
      }
    }
  }

  /** A hostPath PV (never mounted: the nodes are simulated) pre-bound to claim {@code ns/claim}, with labels. */
  private void boundPair(String ns, String claim, String accessMode, String... labels) {
    String pv = sim.group + "-" + claim;
    pvs.add(pv);
    PersistentVolumeBuilder b = new PersistentVolumeBuilder().withNewMetadata().withName(pv).endMetadata()
        .withNewSpec().withStorageClassName("").withAccessModes(accessMode)
        .addToCapacity("storage", new Quantity("1Gi")).withNewHostPath().withPath("/tmp/" + pv).endHostPath()
        .withNewClaimRef().withNamespace(ns).withName(claim).endClaimRef().endSpec();
    for (int i = 0; i + 1 < labels.length; i += 2) {
      b.editMetadata().addToLabels(labels[i], labels[i + 1]).endMetadata();
    }
    sim.client.persistentVolumes().resource(b.build()).create();
    sim.client.persistentVolumeClaims().inNamespace(ns).resource(new PersistentVolumeClaimBuilder()
        .withNewMetadata().withName(claim).withNamespace(ns).endMetadata().withNewSpec().withStorageClassName("")
        .withAccessModes(accessMode).withVolumeName(pv).withNewResources()
        .addToRequests("storage", new Quantity("1Gi")).endResources().endSpec().build()).create();
  }

  /** A CSI PV of {@code driver} (never attached: the nodes are simulated) pre-bound to claim {@code ns/claim}. */
  private void boundCsiPair(String ns, String claim, String driver) {
    String pv = sim.group + "-" + claim;
    pvs.add(pv);
    sim.client.persistentVolumes().resource(new PersistentVolumeBuilder().withNewMetadata().withName(pv)
        .endMetadata().withNewSpec().withStorageClassName("").withAccessModes("ReadWriteOnce")
        .addToCapacity("storage", new Quantity("1Gi")).withNewCsi().withDriver(driver).withVolumeHandle(pv)
        .endCsi().withNewClaimRef().withNamespace(ns).withName(claim).endClaimRef().endSpec().build()).create();
    sim.client.persistentVolumeClaims().inNamespace(ns).resource(new PersistentVolumeClaimBuilder()
        .withNewMetadata().withName(claim).withNamespace(ns).endMetadata().withNewSpec().withStorageClassName("")
        .withAccessModes("ReadWriteOnce").withVolumeName(pv).withNewResources()
        .addToRequests("storage", new Quantity("1Gi")).endResources().endSpec().build()).create();
  }

  /** The simulated node's CSINode: {@code driver} may have {@code count} volumes there. */
  private void csiNode(String node, String driver, int count) {
    csiNodes.add(node);
    sim.client.storage().v1().csiNodes().resource(new CSINodeBuilder().withNewMetadata().withName(node)
        .endMetadata().withNewSpec().addNewDriver().withName(driver).withNodeID(node).withNewAllocatable()
        .withCount(count).endAllocatable().endDriver().endSpec().build()).create();
  }

  private PodBuilder podWithClaim(String ns, String name, String cpu, String claim) {
    return sim.pod(ns, name, cpu).editSpec().addNewVolume().withName("data").withNewPersistentVolumeClaim()
        .withClaimName(claim).endPersistentVolumeClaim().endVolume().endSpec();
  }

  private List<Event> events(String ns, String pod) {
    return sim.client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> pod.equals(e.getInvolvedObject().getName())).toList();
  }

  @Conformance("scheduling.volume-restrictions")
  @Test
  void readWriteOncePodClaimIsUsedByOnePodAtATime(String ns) {
    sim.create("a", "2", "4Gi");
    sim.create("b", "2", "4Gi");
    boundPair(ns, "single", "ReadWriteOncePod");
    sim.create(podWithClaim(ns, "first", null, "single"));
    String firstNode = sim.awaitBound(ns, "first");

    sim.create(podWithClaim(ns, "second", null, "single"));
    List<String> expected = List.of("2 " + RWOP_MESSAGE);
    String msg = sim.awaitUnschedulable(ns, "second", m -> SchedulingTest.reasons(m).equals(expected));
    assertEquals(expected, SchedulingTest.reasons(msg), msg);
    assertNull(sim.nodeOf(ns, "second"));
    Await.until(Duration.ofSeconds(20), "a FailedScheduling event", () -> events(ns, "second").stream()
        .anyMatch(e -> "FailedScheduling".equals(e.getReason()) && e.getMessage().contains(RWOP_MESSAGE)));

    // Deleting the pod that holds the claim requeues the waiting one (an assigned pod's delete event).
    sim.client.pods().inNamespace(ns).withName("first").withGracePeriod(0).delete();
    Await.until(Duration.ofSeconds(20), "first gone", () -> sim.get(ns, "first") == null);
    String secondNode = sim.awaitBound(ns, "second");
    assertEquals(true, secondNode.startsWith(sim.group), secondNode + " (first was on " + firstNode + ")");
  }

  @Conformance("scheduling.volume-zone")
  @Test
  void podFollowsItsVolumesZone(String ns) {
    String zone = sim.group + "-z1";
    // Without VolumeZone the roomy node would win on resources: the pod landing on the small one is the zone's doing.
    sim.create("small", "1", "2Gi", ZONE, zone);
    sim.create("roomy", "8", "16Gi", ZONE, sim.group + "-z2");
    boundPair(ns, "zoned", "ReadWriteOnce", ZONE, zone);
    sim.create(podWithClaim(ns, "zoned-pod", "500m", "zoned"));
    assertEquals(sim.name("small"), sim.awaitBound(ns, "zoned-pod"));

    // A PV whose zone no node has: upstream's VolumeZone message on both zoned nodes.
    boundPair(ns, "nowhere", "ReadWriteOnce", ZONE, sim.group + "-z9");
    sim.create(podWithClaim(ns, "stuck", "500m", "nowhere"));
    List<String> expected = List.of("2 node(s) had no available volume zone");
    String msg = sim.awaitUnschedulable(ns, "stuck", m -> SchedulingTest.reasons(m).equals(expected));
    assertEquals(expected, SchedulingTest.reasons(msg), msg);
  }

  @Conformance("scheduling.node-volume-limits")
  @Test
  void aNodeTakesNoMoreCsiVolumesThanItsCsiNodeAllows(String ns) {
    String driver = sim.group + ".csi.example.com";
    sim.create("limited", "4", "8Gi");
    csiNode(sim.name("limited"), driver, 1);
    boundCsiPair(ns, "vol-a", driver);
    boundCsiPair(ns, "vol-b", driver);
    sim.create(podWithClaim(ns, "first", null, "vol-a"));
    assertEquals(sim.name("limited"), sim.awaitBound(ns, "first"));

    sim.create(podWithClaim(ns, "second", null, "vol-b"));
    String msg = sim.awaitUnschedulable(ns, "second", m -> m.contains("exceed max volume count"));
    assertTrue(msg.contains("1 node(s) exceed max volume count"), msg);
    assertNull(sim.nodeOf(ns, "second"));
    // a pod using the volume the node already has costs nothing more
    sim.create(podWithClaim(ns, "shares-a", null, "vol-a"));
    assertEquals(sim.name("limited"), sim.awaitBound(ns, "shares-a"));

    // a new CSINode allowing two volumes sends the waiting pod back to the queue (a CSINode event)
    sim.client.storage().v1().csiNodes().withName(sim.name("limited")).delete();
    Await.until(Duration.ofSeconds(20), "the CSINode gone",
        () -> sim.client.storage().v1().csiNodes().withName(sim.name("limited")).get() == null);
    csiNode(sim.name("limited"), driver, 2);
    assertEquals(sim.name("limited"), sim.awaitBound(ns, "second"));
  }
}
