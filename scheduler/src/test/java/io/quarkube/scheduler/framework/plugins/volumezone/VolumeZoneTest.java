package io.quarkube.scheduler.framework.plugins.volumezone;

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
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.quarkube.scheduler.framework.ApiActions;
import io.quarkube.scheduler.framework.ClusterListers;
import io.quarkube.scheduler.framework.Code;
import io.quarkube.scheduler.framework.CycleState;
import io.quarkube.scheduler.framework.NodeInfo;
import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.framework.PodNominator;
import io.quarkube.scheduler.framework.PreFilterPlugin;
import io.quarkube.scheduler.framework.Status;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VolumeZoneTest {
  private final Map<String, PersistentVolumeClaim> pvcs = new HashMap<>();
  private final Map<String, PersistentVolume> pvs = new HashMap<>();
  private final Map<String, StorageClass> classes = new HashMap<>();
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
  };
  private final VolumeZone plugin = new VolumeZone(defaultFramework(listers, PodNominator.NONE, ApiActions.NONE));

  /** A PV with labels (key, value, ...) and a claim "c-<pv>" bound to it. */
  private void boundPv(String name, String... labels) {
    PersistentVolumeBuilder b = new PersistentVolumeBuilder().withNewMetadata().withName(name).endMetadata();
    for (int i = 0; i + 1 < labels.length; i += 2) {
      b.editMetadata().addToLabels(labels[i], labels[i + 1]).endMetadata();
    }
    pvs.put(name, b.build());
    pvcs.put("ns/c-" + name, new PersistentVolumeClaimBuilder().withNewMetadata().withName("c-" + name)
        .withNamespace("ns").endMetadata().withNewSpec().withVolumeName(name).endSpec().build());
  }

  private static PodInfo podWith(String... claims) {
    var b = pod("p", null, null);
    for (String c : claims) {
      b.editSpec().addNewVolume().withName("v-" + c).withNewPersistentVolumeClaim().withClaimName(c)
          .endPersistentVolumeClaim().endVolume().endSpec();
    }
    return new PodInfo(b.build());
  }

  private static NodeInfo labelled(String name, String... labels) {
    Node n = node(name);
    for (int i = 0; i + 1 < labels.length; i += 2) {
      n.getMetadata().getLabels().put(labels[i], labels[i + 1]);
    }
    return nodeInfo(n);
  }

  private Status run(PodInfo p, NodeInfo n) {
    CycleState state = new CycleState();
    PreFilterPlugin.Result r = plugin.preFilter(state, p, List.of(n));
    if (r.status().isSkip()) {
      return Status.SUCCESS;
    }
    if (!r.status().isSuccess()) {
      return r.status();
    }
    return plugin.filter(state, p, n);
  }

  @Test
  void zonedPvFitsOnlyNodesInItsZone() {
    boundPv("pv", VolumeZone.ZONE, "z1");
    PodInfo p = podWith("c-pv");
    assertTrue(run(p, labelled("n1", VolumeZone.ZONE, "z1")).isSuccess());
    Status s = run(p, labelled("n2", VolumeZone.ZONE, "z2"));
    assertEquals(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, s.code());
    assertEquals(VolumeZone.ERR_CONFLICT, s.message());
    assertEquals(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, run(p, labelled("n3", VolumeZone.REGION, "r1")).code(),
        "a node with a region but no zone label lacks the PV's zone");
    assertTrue(run(p, labelled("n4")).isSuccess(), "a node without any topology label is not constrained");
  }

  @Test
  void multiZoneValuesRegionsAndBetaLabels() {
    boundPv("multi", VolumeZone.ZONE, "z1__z2", VolumeZone.REGION, "r1");
    PodInfo p = podWith("c-multi");
    assertTrue(run(p, labelled("n1", VolumeZone.ZONE, "z2", VolumeZone.REGION, "r1")).isSuccess());
    assertEquals(Code.UNSCHEDULABLE_AND_UNRESOLVABLE,
        run(p, labelled("n2", VolumeZone.ZONE, "z2", VolumeZone.REGION, "r2")).code());
    boundPv("beta", VolumeZone.BETA_ZONE, "z1");
    PodInfo q = podWith("c-beta");
    assertTrue(run(q, labelled("n3", VolumeZone.ZONE, "z1")).isSuccess(), "a beta PV label matches the GA node label");
    assertEquals(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, run(q, labelled("n4", VolumeZone.ZONE, "z9")).code());
    boundPv("broken", VolumeZone.ZONE, "z1__");
    assertTrue(run(podWith("c-broken"), labelled("n5", VolumeZone.ZONE, "z9")).isSuccess(),
        "a malformed zone list is ignored");
  }

  @Test
  void unboundClaims() {
    classes.put("wffc", new StorageClassBuilder().withNewMetadata().withName("wffc").endMetadata()
        .withProvisioner("p").withVolumeBindingMode("WaitForFirstConsumer").build());
    classes.put("immediate", new StorageClassBuilder().withNewMetadata().withName("immediate").endMetadata()
        .withProvisioner("p").withVolumeBindingMode("Immediate").build());
    pvcs.put("ns/late", new PersistentVolumeClaimBuilder().withNewMetadata().withName("late").withNamespace("ns")
        .endMetadata().withNewSpec().withStorageClassName("wffc").endSpec().build());
    pvcs.put("ns/now", new PersistentVolumeClaimBuilder().withNewMetadata().withName("now").withNamespace("ns")
        .endMetadata().withNewSpec().withStorageClassName("immediate").endSpec().build());
    NodeInfo n = labelled("n1", VolumeZone.ZONE, "z1");
    assertEquals(Code.SKIP, plugin.preFilter(new CycleState(), podWith("late"), List.of(n)).status().code());
    Status s = plugin.preFilter(new CycleState(), podWith("now"), List.of(n)).status();
    assertEquals(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, s.code());
    assertEquals("PersistentVolume had no name", s.message());
    assertEquals("persistentvolumeclaim \"gone\" not found",
        plugin.preFilter(new CycleState(), podWith("gone"), List.of(n)).status().message());
    assertEquals(Code.SKIP, plugin.preFilter(new CycleState(), new PodInfo(pod("plain")), List.of(n)).status()
        .code());
  }
}
