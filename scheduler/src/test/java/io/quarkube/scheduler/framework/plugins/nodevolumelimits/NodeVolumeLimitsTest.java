package io.quarkube.scheduler.framework.plugins.nodevolumelimits;

import static io.quarkube.scheduler.testing.Fixtures.defaultFramework;
import static io.quarkube.scheduler.testing.Fixtures.node;
import static io.quarkube.scheduler.testing.Fixtures.nodeInfo;
import static io.quarkube.scheduler.testing.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.CSINode;
import io.fabric8.kubernetes.api.model.storage.CSINodeBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.quarkube.scheduler.framework.ApiActions;
import io.quarkube.scheduler.framework.ClusterEvent;
import io.quarkube.scheduler.framework.ClusterListers;
import io.quarkube.scheduler.framework.Code;
import io.quarkube.scheduler.framework.CycleState;
import io.quarkube.scheduler.framework.NodeInfo;
import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.framework.PodNominator;
import io.quarkube.scheduler.framework.Status;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Upstream's CSILimits cases on hand-built node infos: unique CSI volumes per driver against the CSINode's limit. */
class NodeVolumeLimitsTest {
  private static final String DRIVER = "csi.example.com";
  private final Map<String, PersistentVolumeClaim> pvcs = new HashMap<>();
  private final Map<String, PersistentVolume> pvs = new HashMap<>();
  private final Map<String, StorageClass> classes = new HashMap<>();
  private final Map<String, CSINode> csiNodes = new HashMap<>();
  private final ClusterListers listers = new ClusterListers() {
    @Override
    public PersistentVolumeClaim pvc(String namespace, String name) {
      return pvcs.get(namespace + "/" + name);
    }

    @Override
    public PersistentVolume pv(String name) {
      return pvs.get(name);
    }

    @Override
    public StorageClass storageClass(String name) {
      return classes.get(name);
    }

    @Override
    public CSINode csiNode(String name) {
      return csiNodes.get(name);
    }
  };
  private final NodeVolumeLimits plugin = new NodeVolumeLimits(defaultFramework(listers, PodNominator.NONE,
      ApiActions.NONE));

  /** A CSI PV of {@code driver} with handle {@code handle}, and a claim "c-<handle>" bound to it. */
  private void csiVolume(String driver, String handle) {
    pvs.put("pv-" + handle, new PersistentVolumeBuilder().withNewMetadata().withName("pv-" + handle).endMetadata()
        .withNewSpec().withNewCsi().withDriver(driver).withVolumeHandle(handle).endCsi().endSpec().build());
    pvcs.put("ns/c-" + handle, new PersistentVolumeClaimBuilder().withNewMetadata().withName("c-" + handle)
        .withNamespace("ns").endMetadata().withNewSpec().withVolumeName("pv-" + handle).endSpec().build());
  }

  private void limit(String node, String driver, Integer count) {
    csiNodes.put(node, new CSINodeBuilder().withNewMetadata().withName(node).endMetadata().withNewSpec()
        .addNewDriver().withName(driver).withNodeID(node).withNewAllocatable().withCount(count).endAllocatable()
        .endDriver().endSpec().build());
  }

  private static PodBuilder podWith(String name, String... claims) {
    PodBuilder b = pod(name, null, null);
    for (String c : claims) {
      b.editSpec().addNewVolume().withName("v-" + c).withNewPersistentVolumeClaim().withClaimName(c)
          .endPersistentVolumeClaim().endVolume().endSpec();
    }
    return b;
  }

  private static PodInfo on(String node, PodBuilder pod) {
    return new PodInfo(pod.editSpec().withNodeName(node).endSpec().build());
  }

  private Status run(Pod pod, NodeInfo node) {
    CycleState state = new CycleState();
    PodInfo p = new PodInfo(pod);
    var pre = plugin.preFilter(state, p, java.util.List.of(node));
    if (pre.status().code() == Code.SKIP) {
      return Status.SUCCESS;
    }
    return plugin.filter(state, p, node);
  }

  @Test
  void aPodWithoutClaimsSkipsTheFilter() {
    assertEquals(Code.SKIP, plugin.preFilter(new CycleState(), new PodInfo(pod("p")), java.util.List.of()).status()
        .code());
  }

  @Test
  void theLimitCountsUniqueVolumesOfTheDriver() {
    csiVolume(DRIVER, "a");
    csiVolume(DRIVER, "b");
    limit("n1", DRIVER, 1);
    NodeInfo empty = nodeInfo(node("n1"));
    assertTrue(run(podWith("p", "c-a").build(), empty).isSuccess());
    NodeInfo withA = nodeInfo(node("n1"), on("n1", podWith("q", "c-a")));
    Status s = run(podWith("p", "c-b").build(), withA);
    assertEquals(Code.UNSCHEDULABLE, s.code());
    assertEquals("node(s) exceed max volume count", s.reasons().get(0));
    // the same volume again costs nothing
    assertTrue(run(podWith("p", "c-a").build(), withA).isSuccess());
    // two new volumes at once beyond the limit
    assertEquals(Code.UNSCHEDULABLE, run(podWith("p", "c-a", "c-b").build(), empty).code());
  }

  @Test
  void otherDriversAndNodesWithoutLimitsAreNotConstrained() {
    csiVolume(DRIVER, "a");
    csiVolume("other.example.com", "x");
    limit("n1", DRIVER, 1);
    NodeInfo withA = nodeInfo(node("n1"), on("n1", podWith("q", "c-a")));
    assertTrue(run(podWith("p", "c-x").build(), withA).isSuccess());
    csiVolume(DRIVER, "b");
    assertTrue(run(podWith("p", "c-b").build(), nodeInfo(node("n2"), on("n2", podWith("q", "c-a")))).isSuccess());
    // a limit of 0 takes no volume of the driver at all
    limit("n3", DRIVER, 0);
    assertEquals(Code.UNSCHEDULABLE, run(podWith("p", "c-b").build(), nodeInfo(node("n3"))).code());
  }

  @Test
  void theNodesAllocatableLimitAppliesWithoutACsiNodeAndTheCsiNodeWins() {
    csiVolume(DRIVER, "a");
    csiVolume(DRIVER, "b");
    Node n = node("n1");
    n.getStatus().getAllocatable().put("attachable-volumes-csi-" + DRIVER, new Quantity("1"));
    NodeInfo withA = nodeInfo(n, on("n1", podWith("q", "c-a")));
    assertEquals(Code.UNSCHEDULABLE, run(podWith("p", "c-b").build(), withA).code());
    limit("n1", DRIVER, 2);
    assertTrue(run(podWith("p", "c-b").build(), withA).isSuccess());
  }

  @Test
  void anUnboundClaimCountsByItsClassProvisioner() {
    csiVolume(DRIVER, "a");
    limit("n1", DRIVER, 1);
    classes.put("fast", new StorageClassBuilder().withNewMetadata().withName("fast").endMetadata()
        .withProvisioner(DRIVER).withVolumeBindingMode("WaitForFirstConsumer").build());
    pvcs.put("ns/pending", new PersistentVolumeClaimBuilder().withNewMetadata().withName("pending")
        .withNamespace("ns").endMetadata().withNewSpec().withStorageClassName("fast").endSpec().build());
    NodeInfo withA = nodeInfo(node("n1"), on("n1", podWith("q", "c-a")));
    assertEquals(Code.UNSCHEDULABLE, run(podWith("p", "pending").build(), withA).code());
    // a class-less unbound claim is not counted
    pvcs.put("ns/plain", new PersistentVolumeClaimBuilder().withNewMetadata().withName("plain")
        .withNamespace("ns").endMetadata().withNewSpec().endSpec().build());
    assertTrue(run(podWith("p", "plain").build(), withA).isSuccess());
  }

  @Test
  void aMissingClaimIsUnresolvableForTheNewPodAndIgnoredForExistingOnes() {
    csiVolume(DRIVER, "a");
    limit("n1", DRIVER, 1);
    Status s = run(podWith("p", "nope").build(), nodeInfo(node("n1")));
    assertEquals(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, s.code());
    assertEquals("looking up PVC ns/nope: persistentvolumeclaim \"nope\" not found", s.reasons().get(0));
    assertTrue(run(podWith("p", "c-a").build(), nodeInfo(node("n1"), on("n1", podWith("q", "nope")))).isSuccess());
  }

  @Test
  void genericEphemeralVolumesCountWhenThePodOwnsTheirClaim() {
    limit("n1", DRIVER, 1);
    csiVolume(DRIVER, "a");
    Pod p = pod("p", null, null).editSpec().addNewVolume().withName("scratch").withNewEphemeral()
        .withNewVolumeClaimTemplate().withNewSpec().endSpec().endVolumeClaimTemplate().endEphemeral().endVolume()
        .endSpec().build();
    pvs.put("pv-e", new PersistentVolumeBuilder().withNewMetadata().withName("pv-e").endMetadata().withNewSpec()
        .withNewCsi().withDriver(DRIVER).withVolumeHandle("e").endCsi().endSpec().build());
    PersistentVolumeClaim claim = new PersistentVolumeClaimBuilder().withNewMetadata().withName("p-scratch")
        .withNamespace("ns").addNewOwnerReference().withApiVersion("v1").withKind("Pod").withName("p")
        .withUid(p.getMetadata().getUid()).withController(true).endOwnerReference().endMetadata().withNewSpec()
        .withVolumeName("pv-e").endSpec().build();
    pvcs.put("ns/p-scratch", claim);
    NodeInfo withA = nodeInfo(node("n1"), on("n1", podWith("q", "c-a")));
    assertEquals(Code.UNSCHEDULABLE, run(p, withA).code());
    claim.getMetadata().getOwnerReferences().get(0).setUid("someone-else");
    Status s = run(p, withA);
    assertEquals(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, s.code());
    assertTrue(s.reasons().get(0).endsWith("(pod is not owner)"), s.reasons().toString());
  }

  @Test
  void longDriverNamesGetAHashedKey() {
    assertEquals("attachable-volumes-csi-" + DRIVER, NodeVolumeLimits.limitKey(DRIVER));
    String longName = "a-very-long-csi-driver-name.storage.example.com";
    String key = NodeVolumeLimits.limitKey(longName);
    // the prefix, the name's first 23 characters, 16 hex digits of its SHA-1: fits a resource name (63)
    assertEquals(62, key.length());
    assertTrue(key.matches("attachable-volumes-csi-a-very-long-csi-driver-[0-9a-f]{16}"), key);
  }

  @Test
  void aCsiNodeChangeOrAPodDeletionMovesRejectedPods() {
    assertTrue(plugin.eventsToRegister().stream().anyMatch(e -> e.covers(ClusterEvent.of(
        ClusterEvent.Resource.CSI_NODE, ClusterEvent.ADD))));
    assertTrue(plugin.eventsToRegister().stream().anyMatch(e -> e.covers(ClusterEvent.of(
        ClusterEvent.Resource.CSI_NODE, ClusterEvent.UPDATE_OTHER))));
    assertTrue(plugin.eventsToRegister().stream().anyMatch(e -> e.covers(ClusterEvent.ASSIGNED_POD_DELETE)));
  }
}
