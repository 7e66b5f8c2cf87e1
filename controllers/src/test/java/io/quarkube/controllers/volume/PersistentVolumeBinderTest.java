package io.quarkube.controllers.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.quarkube.client.controller.StaticInformers;
import io.quarkube.client.events.EventRecorder;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.RecordingWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PersistentVolumeBinderTest {
  private final StaticInformers caches = new StaticInformers();
  private final RecordingWriter writer = new RecordingWriter(caches);
  private final PersistentVolumeBinder binder = new PersistentVolumeBinder(new ControllerContext(caches, writer,
      c -> EventRecorder.discarding(), null, null), Path.of("/state/kubelet/local-path"), true);

  private PersistentVolumeBuilder pv(String name, String size, String cls, String... modes) {
    return new PersistentVolumeBuilder().withNewMetadata().withName(name).withResourceVersion("1").endMetadata()
        .withNewSpec().addToCapacity("storage", new Quantity(size)).withAccessModes(modes)
        .withStorageClassName(cls).withPersistentVolumeReclaimPolicy("Retain").withNewHostPath()
        .withPath("/tmp/" + name).endHostPath().endSpec().withNewStatus().withPhase("Available").endStatus();
  }

  private PersistentVolumeClaimBuilder claim(String name, String size, String cls, String... modes) {
    return new PersistentVolumeClaimBuilder().withNewMetadata().withNamespace("ns").withName(name)
        .withUid("uid-" + name).withResourceVersion("1").endMetadata().withNewSpec().withAccessModes(modes)
        .withStorageClassName(cls).withNewResources().addToRequests("storage", new Quantity(size)).endResources()
        .endSpec();
  }

  /** Runs the queue until it settles (each write's event enqueues the other side, as informers would). */
  private void settle() throws InterruptedException {
    for (int i = 0; i < 100 && binder.queue().length() > 0; i++) {
      binder.processNextItem();
    }
  }

  private PersistentVolume volume(String name) {
    return caches.indexer(PersistentVolume.class).getByKey(name);
  }

  private PersistentVolumeClaim stored(String name) {
    return caches.indexer(PersistentVolumeClaim.class).getByKey("ns/" + name);
  }

  @Test
  void bindsTheSmallestFittingVolumeOnBothSides() throws Exception {
    caches.put(pv("big", "10Gi", "", "ReadWriteOnce").build());
    caches.put(pv("small", "1Gi", "", "ReadWriteOnce").build());
    caches.put(pv("fit", "2Gi", "", "ReadWriteOnce").build());
    caches.put(pv("rox", "2Gi", "", "ReadOnlyMany").build());
    caches.put(pv("other-class", "2Gi", "fast", "ReadWriteOnce").build());
    caches.put(claim("data", "1500Mi", "", "ReadWriteOnce").build());
    settle();
    PersistentVolumeClaim c = stored("data");
    assertEquals("fit", c.getSpec().getVolumeName());
    assertEquals("Bound", c.getStatus().getPhase());
    assertEquals("2Gi", c.getStatus().getCapacity().get("storage").toString());
    assertEquals("yes", c.getMetadata().getAnnotations().get(PersistentVolumeBinder.BIND_COMPLETED));
    PersistentVolume v = volume("fit");
    assertEquals("uid-data", v.getSpec().getClaimRef().getUid());
    assertEquals("Bound", v.getStatus().getPhase());
    assertNull(volume("big").getSpec().getClaimRef());
  }

  @Test
  void selectorAndVolumeModeAreHonoured() throws Exception {
    caches.put(pv("a", "1Gi", "", "ReadWriteOnce").editMetadata().addToLabels("tier", "gold").endMetadata().build());
    caches.put(pv("b", "1Gi", "", "ReadWriteOnce").editSpec().withVolumeMode("Block").endSpec().editMetadata()
        .addToLabels("tier", "silver").endMetadata().build());
    caches.put(pv("c", "1Gi", "", "ReadWriteOnce").editMetadata().addToLabels("tier", "silver").endMetadata().build());
    caches.put(claim("d", "1Gi", "", "ReadWriteOnce").editSpec().withNewSelector().addToMatchLabels("tier", "silver")
        .endSelector().endSpec().build());
    settle();
    assertEquals("c", stored("d").getSpec().getVolumeName());
  }

  @Test
  void noMatchLeavesTheClaimPending() throws Exception {
    caches.put(pv("tiny", "1Gi", "", "ReadWriteOnce").build());
    caches.put(claim("big", "5Gi", "", "ReadWriteOnce").build());
    settle();
    assertEquals("Pending", stored("big").getStatus().getPhase());
    assertNull(stored("big").getSpec().getVolumeName());
  }

  @Test
  void releasedVolumesAreRetainedOrFailWithoutADeleter() throws Exception {
    caches.put(pv("keep", "1Gi", "", "ReadWriteOnce").build());
    caches.put(claim("c", "1Gi", "", "ReadWriteOnce").build());
    settle();
    caches.remove(stored("c"));
    settle();
    assertEquals("Released", volume("keep").getStatus().getPhase());
    assertNotNull(volume("keep").getSpec().getClaimRef(), "Retain keeps the claimRef (the data)");
  }

  @Test
  void createsTheDefaultClassAndProvisionsWhenTheSchedulerChoseANode() throws Exception {
    settle();
    StorageClass sc = caches.indexer(StorageClass.class).getByKey(PersistentVolumeBinder.DEFAULT_CLASS);
    assertNotNull(sc);
    assertEquals("true", sc.getMetadata().getAnnotations().get(PersistentVolumeBinder.IS_DEFAULT));
    assertEquals("WaitForFirstConsumer", sc.getVolumeBindingMode());

    caches.put(claim("data", "1Gi", "local-path", "ReadWriteOnce").build());
    settle();
    assertEquals("Pending", stored("data").getStatus().getPhase());
    assertTrue(caches.indexer(PersistentVolume.class).list().isEmpty(), "waits for the first consumer");

    caches.put(new PersistentVolumeClaimBuilder(stored("data")).editMetadata()
        .addToAnnotations(PersistentVolumeBinder.SELECTED_NODE, "node-1").endMetadata().build());
    settle();
    PersistentVolume v = volume("pvc-uid-data");
    assertNotNull(v);
    assertEquals("/state/kubelet/local-path/pvc-uid-data", v.getSpec().getHostPath().getPath());
    assertEquals("DirectoryOrCreate", v.getSpec().getHostPath().getType());
    assertEquals("node-1", v.getSpec().getNodeAffinity().getRequired().getNodeSelectorTerms().get(0)
        .getMatchExpressions().get(0).getValues().get(0));
    assertEquals("Delete", v.getSpec().getPersistentVolumeReclaimPolicy());
    assertEquals("pvc-uid-data", stored("data").getSpec().getVolumeName());
    assertEquals("Bound", stored("data").getStatus().getPhase());
    assertEquals("Bound", v.getStatus().getPhase());

    caches.remove(stored("data"));
    settle();
    assertNull(volume("pvc-uid-data"), "reclaim policy Delete removes a provisioned volume");
  }

  @Test
  void anotherDefaultClassMeansNoLocalPathClass() throws Exception {
    caches.put(new StorageClassBuilder().withNewMetadata().withName("mine")
        .addToAnnotations(PersistentVolumeBinder.IS_DEFAULT, "true").endMetadata().withProvisioner("x").build());
    settle();
    assertNull(caches.indexer(StorageClass.class).getByKey(PersistentVolumeBinder.DEFAULT_CLASS));
  }
}
