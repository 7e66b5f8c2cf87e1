package io.quarkube.scheduler.framework.plugins.volumebinding;

import static io.quarkube.scheduler.testing.Fixtures.defaultFramework;
import static io.quarkube.scheduler.testing.Fixtures.node;
import static io.quarkube.scheduler.testing.Fixtures.nodeInfo;
import static io.quarkube.scheduler.testing.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VolumeBindingTest {
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
    public List<PersistentVolume> pvs() {
      return List.copyOf(pvs.values());
    }

    @Override
    public StorageClass storageClass(String name) {
      return classes.get(name);
    }
  };
  private final VolumeBinding plugin = new VolumeBinding(defaultFramework(listers, PodNominator.NONE,
      ApiActions.NONE));

  private static PodInfo podWithClaim(String claim) {
    return new PodInfo(pod("p", null, null).editSpec().addNewVolume().withName("data")
        .withNewPersistentVolumeClaim().withClaimName(claim).endPersistentVolumeClaim().endVolume().endSpec()
        .build());
  }

  private void claim(String name, String volume, String cls) {
    pvcs.put("ns/" + name, new PersistentVolumeClaimBuilder().withNewMetadata().withName(name).withNamespace("ns")
        .endMetadata().withNewSpec().withVolumeName(volume).withStorageClassName(cls).withAccessModes("ReadWriteOnce")
        .withNewResources().addToRequests("storage", new Quantity("1Gi")).endResources().endSpec().build());
  }

  private void localPv(String name, String node, String cls, String claimName) {
    PersistentVolumeBuilder b = new PersistentVolumeBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewSpec().withStorageClassName(cls).withAccessModes("ReadWriteOnce")
        .addToCapacity("storage", new Quantity("5Gi")).withNewNodeAffinity().withNewRequired()
        .addToNodeSelectorTerms(new NodeSelectorTermBuilder().addToMatchExpressions(
            new NodeSelectorRequirementBuilder().withKey("kubernetes.io/hostname").withOperator("In").withValues(node)
                .build()).build()).endRequired().endNodeAffinity().endSpec();
    if (claimName != null) {
      b.editSpec().withNewClaimRef().withName(claimName).withNamespace("ns").endClaimRef().endSpec();
    }
    pvs.put(name, b.build());
  }

  @Test
  void missingClaimIsUnresolvable() {
    PreFilterPlugin.Result r = plugin.preFilter(new CycleState(), podWithClaim("nope"), List.of());
    assertEquals(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, r.status().code());
    assertEquals("persistentvolumeclaim \"nope\" not found", r.status().message());
  }

  @Test
  void unboundImmediateClaimIsUnresolvable() {
    claim("data", null, null);
    assertEquals("pod has unbound immediate PersistentVolumeClaims", plugin.preFilter(new CycleState(),
        podWithClaim("data"), List.of()).status().message());
  }

  @Test
  void boundLocalVolumePinsThePodToItsNode() {
    claim("data", "pv1", "local");
    localPv("pv1", "n1", "local", "data");
    CycleState s = new CycleState();
    PodInfo p = podWithClaim("data");
    assertTrue(plugin.preFilter(s, p, List.of()).status().isSuccess());
    NodeInfo n1 = nodeInfo(node("n1"));
    NodeInfo n2 = nodeInfo(node("n2"));
    assertTrue(plugin.filter(s, p, n1).isSuccess());
    assertEquals("node(s) had volume node affinity conflict", plugin.filter(s, p, n2).message());
  }

  @Test
  void waitForFirstConsumerWithStaticVolumesNeedsOneOnTheNode() {
    classes.put("local", new StorageClassBuilder().withNewMetadata().withName("local").endMetadata()
        .withProvisioner("kubernetes.io/no-provisioner").withVolumeBindingMode("WaitForFirstConsumer").build());
    claim("data", null, "local");
    localPv("pv2", "n2", "local", null);
    CycleState s = new CycleState();
    PodInfo p = podWithClaim("data");
    assertTrue(plugin.preFilter(s, p, List.of()).status().isSuccess());
    assertEquals("node(s) didn't find available persistent volumes to bind", plugin.filter(s, p,
        nodeInfo(node("n1"))).message());
    assertTrue(plugin.filter(s, p, nodeInfo(node("n2"))).isSuccess());
  }

  @Test
  void podWithoutClaimsIsSkipped() {
    assertTrue(plugin.preFilter(new CycleState(), new PodInfo(pod("p")), List.of()).status().isSkip());
  }
}
