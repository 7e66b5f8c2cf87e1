package io.quarkube.scheduler.framework.plugins.volumerestrictions;

import static io.quarkube.scheduler.testing.Fixtures.defaultFramework;
import static io.quarkube.scheduler.testing.Fixtures.node;
import static io.quarkube.scheduler.testing.Fixtures.nodeInfo;
import static io.quarkube.scheduler.testing.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.quarkube.scheduler.cache.Snapshot;
import io.quarkube.scheduler.framework.ApiActions;
import io.quarkube.scheduler.framework.ClusterEvent;
import io.quarkube.scheduler.framework.ClusterListers;
import io.quarkube.scheduler.framework.Code;
import io.quarkube.scheduler.framework.CycleState;
import io.quarkube.scheduler.framework.NodeInfo;
import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.framework.PodNominator;
import io.quarkube.scheduler.framework.PreFilterPlugin;
import io.quarkube.scheduler.framework.Status;
import io.quarkube.scheduler.framework.runtime.Framework;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VolumeRestrictionsTest {
  private final Map<String, PersistentVolumeClaim> pvcs = new HashMap<>();
  private final ClusterListers listers = new ClusterListers() {
    @Override
    public PersistentVolumeClaim pvc(String namespace, String name) {
      return pvcs.get(namespace + "/" + name);
    }
  };
  private final Framework fw = defaultFramework(listers, PodNominator.NONE, ApiActions.NONE);
  private final VolumeRestrictions plugin = new VolumeRestrictions(fw);

  private void claim(String name, String... modes) {
    pvcs.put("ns/" + name, new PersistentVolumeClaimBuilder().withNewMetadata().withName(name).withNamespace("ns")
        .endMetadata().withNewSpec().withAccessModes(modes).withVolumeName("pv-" + name).endSpec().build());
  }

  private static PodBuilder withClaims(String podName, String... claims) {
    PodBuilder b = pod(podName, null, null);
    for (String c : claims) {
      b.editSpec().addNewVolume().withName("v-" + c).withNewPersistentVolumeClaim().withClaimName(c)
          .endPersistentVolumeClaim().endVolume().endSpec();
    }
    return b;
  }

  private static PodInfo on(PodBuilder b, String node) {
    return new PodInfo(b.editSpec().withNodeName(node).endSpec().build());
  }

  private void snapshot(NodeInfo... nodes) {
    Snapshot s = Snapshot.of(List.of(nodes));
    fw.setSnapshot(() -> s);
  }

  private Status run(CycleState state, PodInfo p, NodeInfo n) {
    PreFilterPlugin.Result r = plugin.preFilter(state, p, List.of(n));
    if (!r.status().isSuccess()) {
      return r.status();
    }
    return plugin.filter(state, p, n);
  }

  @Test
  void readWriteOncePodClaimInUseAnywhereRejectsEveryNode() {
    claim("rwop", "ReadWriteOncePod");
    NodeInfo n1 = nodeInfo(node("n1"), on(withClaims("holder", "rwop"), "n1"));
    NodeInfo n2 = nodeInfo(node("n2"));
    snapshot(n1, n2);
    PodInfo p = new PodInfo(withClaims("second", "rwop").build());
    CycleState state = new CycleState();
    assertTrue(plugin.preFilter(state, p, List.of(n1, n2)).status().isSuccess());
    for (NodeInfo n : List.of(n1, n2)) {
      Status s = plugin.filter(state, p, n);
      // Plain Unschedulable, as upstream's: preemption may free the claim.
      assertEquals(Code.UNSCHEDULABLE, s.code(), n.name());
      assertEquals(List.of(VolumeRestrictions.ERR_RWOP_CONFLICT), s.reasons());
    }
  }

  @Test
  void unusedClaimOrOtherAccessModesAreSkipped() {
    claim("rwop", "ReadWriteOncePod");
    claim("rwo", "ReadWriteOnce");
    NodeInfo n1 = nodeInfo(node("n1"), on(withClaims("holder", "rwo"), "n1"));
    snapshot(n1);
    assertEquals(Code.SKIP, plugin.preFilter(new CycleState(), new PodInfo(withClaims("p", "rwop").build()),
        List.of(n1)).status().code(), "RWOP claim nobody uses");
    assertEquals(Code.SKIP, plugin.preFilter(new CycleState(), new PodInfo(withClaims("p", "rwo").build()),
        List.of(n1)).status().code(), "a RWO claim shared is VolumeBinding's business, not ours");
    assertEquals(Code.SKIP, plugin.preFilter(new CycleState(), new PodInfo(pod("plain")), List.of(n1)).status()
        .code());
  }

  @Test
  void sameClaimNameInAnotherNamespaceDoesNotConflict() {
    claim("rwop", "ReadWriteOncePod");
    PodBuilder other = withClaims("holder", "rwop").editMetadata().withNamespace("other").endMetadata();
    NodeInfo n1 = nodeInfo(node("n1"), on(other, "n1"));
    snapshot(n1);
    assertEquals(Code.SKIP, plugin.preFilter(new CycleState(), new PodInfo(withClaims("p", "rwop").build()),
        List.of(n1)).status().code());
  }

  @Test
  void missingClaimIsUnresolvable() {
    snapshot(nodeInfo(node("n1")));
    Status s = plugin.preFilter(new CycleState(), new PodInfo(withClaims("p", "nope").build()), List.of()).status();
    assertEquals(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, s.code());
    assertEquals("persistentvolumeclaim \"nope\" not found", s.message());
  }

  @Test
  void preemptionRemovingTheHolderClearsTheConflictOnACopy() {
    claim("rwop", "ReadWriteOncePod");
    PodInfo holder = on(withClaims("holder", "rwop"), "n1");
    NodeInfo n1 = nodeInfo(node("n1"), holder);
    snapshot(n1);
    PodInfo p = new PodInfo(withClaims("second", "rwop").build());
    CycleState state = new CycleState();
    plugin.preFilter(state, p, List.of(n1));
    CycleState whatIf = state.copy();
    plugin.preFilterExtensions().removePod(whatIf, p, holder, n1);
    assertTrue(plugin.filter(whatIf, p, nodeInfo(node("n1"))).isSuccess());
    assertEquals(Code.UNSCHEDULABLE, plugin.filter(state, p, n1).code(), "the real cycle's state is untouched");
    plugin.preFilterExtensions().addPod(whatIf, p, holder, n1);
    assertEquals(Code.UNSCHEDULABLE, plugin.filter(whatIf, p, n1).code());
  }

  private static PodBuilder withVolume(String name, VolumeBuilder v) {
    return pod(name, null, null).editSpec().addToVolumes(v.withName("disk").build()).endSpec();
  }

  @Test
  void inTreeDisksConflictOnTheSameNodeUnlessAllReadOnly() {
    VolumeBuilder gceRw = new VolumeBuilder().withNewGcePersistentDisk().withPdName("pd1").endGcePersistentDisk();
    VolumeBuilder gceRo = new VolumeBuilder().withNewGcePersistentDisk().withPdName("pd1").withReadOnly(true)
        .endGcePersistentDisk();
    NodeInfo n1 = nodeInfo(node("n1"), on(withVolume("a", gceRo), "n1"));
    NodeInfo n2 = nodeInfo(node("n2"));
    snapshot(n1, n2);
    Status s = run(new CycleState(), new PodInfo(withVolume("b", gceRw).build()), n1);
    assertEquals(Code.UNSCHEDULABLE, s.code());
    assertEquals(VolumeRestrictions.ERR_DISK_CONFLICT, s.message());
    assertTrue(run(new CycleState(), new PodInfo(withVolume("b", gceRo).build()), n1).isSuccess());
    assertTrue(run(new CycleState(), new PodInfo(withVolume("b", gceRw).build()), n2).isSuccess(),
        "another node has no such disk");

    VolumeBuilder ebs = new VolumeBuilder().withNewAwsElasticBlockStore().withVolumeID("vol-1").withReadOnly(true)
        .endAwsElasticBlockStore();
    NodeInfo withEbs = nodeInfo(node("n3"), on(withVolume("c", ebs), "n3"));
    assertEquals(Code.UNSCHEDULABLE, run(new CycleState(), new PodInfo(withVolume("d", ebs).build()), withEbs)
        .code(), "EBS conflicts even read-only");

    VolumeBuilder rbd = new VolumeBuilder().withNewRbd().withMonitors("m1", "m2").withPool("p").withImage("i")
        .endRbd();
    VolumeBuilder rbdOtherMon = new VolumeBuilder().withNewRbd().withMonitors("m2").withPool("p").withImage("i")
        .endRbd();
    VolumeBuilder rbdOtherImage = new VolumeBuilder().withNewRbd().withMonitors("m1").withPool("p").withImage("j")
        .endRbd();
    NodeInfo withRbd = nodeInfo(node("n4"), on(withVolume("e", rbd), "n4"));
    assertEquals(Code.UNSCHEDULABLE, run(new CycleState(), new PodInfo(withVolume("f", rbdOtherMon).build()),
        withRbd).code());
    assertTrue(run(new CycleState(), new PodInfo(withVolume("f", rbdOtherImage).build()), withRbd).isSuccess());

    VolumeBuilder iscsi = new VolumeBuilder().withNewIscsi().withIqn("iqn.1").withTargetPortal("t").withLun(0)
        .endIscsi();
    NodeInfo withIscsi = nodeInfo(node("n5"), on(withVolume("g", iscsi), "n5"));
    assertEquals(Code.UNSCHEDULABLE, run(new CycleState(), new PodInfo(withVolume("h", iscsi).build()), withIscsi)
        .code());
  }

  @Test
  void registersPodDeleteAndClaimEvents() {
    List<ClusterEvent> events = plugin.eventsToRegister();
    assertTrue(events.stream().anyMatch(e -> e.covers(ClusterEvent.ASSIGNED_POD_DELETE)));
    assertTrue(events.stream().anyMatch(e -> e.covers(ClusterEvent.of(ClusterEvent.Resource.PERSISTENT_VOLUME_CLAIM,
        ClusterEvent.ADD))));
  }
}
