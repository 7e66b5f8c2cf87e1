package io.quarkube.kubelet.objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Reference counting of the per-object watches, with fake watches instead of an API server. */
class PodObjectsTest {
  /** A watch that records its start and stop; its object and first sync are set by the test. */
  static final class FakeWatch<T> implements ObjectWatch<T> {
    final String key;
    volatile boolean synced = true;
    volatile T object;
    volatile boolean stopped;

    FakeWatch(String key) {
      this.key = key;
    }

    @Override
    public boolean hasSynced() {
      return synced;
    }

    @Override
    public T current() {
      return object;
    }

    @Override
    public void stop() {
      stopped = true;
    }
  }

  static final class FakeStarter<T> implements ObjectWatch.Starter<T> {
    final List<FakeWatch<T>> started = new ArrayList<>();

    @Override
    public synchronized ObjectWatch<T> start(String namespace, String name) {
      FakeWatch<T> w = new FakeWatch<>(namespace + "/" + name);
      started.add(w);
      return w;
    }

    List<FakeWatch<T>> running() {
      return started.stream().filter(w -> !w.stopped).toList();
    }
  }

  private final FakeStarter<ConfigMap> configMaps = new FakeStarter<>();
  private final FakeStarter<Secret> secrets = new FakeStarter<>();
  private final PodObjects objects = new PodObjects(configMaps, secrets, Duration.ofMillis(200));

  private static Pod pod(String uid, String configMap) {
    return new PodBuilder().withNewMetadata().withName("p-" + uid).withNamespace("ns").withUid(uid).endMetadata()
        .withNewSpec().addNewVolume().withName("cfg").withNewConfigMap().withName(configMap).endConfigMap()
        .endVolume().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec().build();
  }

  @Test
  void twoPodsSharingAConfigMapShareOneWatchUntilTheLastGoes() {
    objects.registerPod(pod("a", "shared"));
    objects.registerPod(pod("b", "shared"));
    assertEquals(1, configMaps.started.size(), "one watch for the one object");
    assertEquals("ns/shared", configMaps.started.get(0).key);

    objects.unregisterPod("a");
    assertEquals(1, configMaps.running().size(), "pod b still references it");
    assertEquals(1, objects.configMapWatches());

    objects.unregisterPod("b");
    assertTrue(configMaps.started.get(0).stopped, "the last reference stops the watch");
    assertEquals(0, objects.configMapWatches());
    assertThrows(WatchingObjectCache.UnavailableException.class, () -> objects.configMap("ns", "shared"),
        "an object no pod references is not answered for");
  }

  @Test
  void resyncingThePodChangesNothingAndASpecChangeMovesTheReference() {
    Pod a = pod("a", "one");
    objects.registerPod(a);
    objects.registerPod(a);
    objects.registerPod(a);
    assertEquals(1, configMaps.started.size());
    objects.unregisterPod("a");
    assertEquals(0, configMaps.running().size(), "repeated syncs took no extra references");

    objects.registerPod(pod("b", "one"));
    objects.registerPod(pod("b", "two")); // same UID, another ConfigMap
    assertEquals(List.of("ns/two"), configMaps.running().stream().map(w -> w.key).toList());
    objects.unregisterPod("unknown"); // nothing happens
    assertEquals(1, configMaps.running().size());
  }

  @Test
  void readsComeFromTheWatchAndMissingObjectsAreNotFound() {
    objects.registerPod(pod("a", "cfg"));
    FakeWatch<ConfigMap> watch = configMaps.started.get(0);
    assertNull(objects.configMap("ns", "cfg"), "absent: not found, as a GET would say");
    ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withName("cfg").withNamespace("ns").endMetadata().build();
    watch.object = cm;
    assertSame(cm, objects.configMap("ns", "cfg"));
    watch.object = null; // deleted later
    assertNull(objects.configMap("ns", "cfg"));
  }

  @Test
  void aReadWaitsForTheFirstListButNotForever() {
    objects.registerPod(pod("a", "cfg"));
    FakeWatch<ConfigMap> watch = configMaps.started.get(0);
    watch.synced = false;
    WatchingObjectCache.UnavailableException e = assertThrows(WatchingObjectCache.UnavailableException.class,
        () -> objects.configMap("ns", "cfg"));
    assertTrue(e.getMessage().contains("failed to sync configmap cache"), e.getMessage());
    new Thread(() -> {
      sleep(50);
      watch.synced = true;
    }).start();
    assertNull(objects.configMap("ns", "cfg"), "answered once the first list arrived");
  }

  @Test
  void everySourceOfAPodIsReferenced() {
    Pod pod = new PodBuilder().withNewMetadata().withName("p").withNamespace("ns").withUid("u").endMetadata()
        .withNewSpec().addNewImagePullSecret("pull")
        .addNewVolume().withName("s").withNewSecret().withSecretName("vol-secret").endSecret().endVolume()
        .addNewVolume().withName("p").withNewProjected()
        .addNewSource().withNewConfigMap().withName("kube-root-ca.crt").endConfigMap().endSource()
        .addNewSource().withNewSecret().withName("proj-secret").endSecret().endSource()
        .endProjected().endVolume()
        .addNewInitContainer().withName("i").withImage("busybox").addNewEnvFrom().withNewConfigMapRef()
        .withName("init-from").endConfigMapRef().endEnvFrom().endInitContainer()
        .addNewContainer().withName("c").withImage("busybox")
        .addNewEnv().withName("A").withNewValueFrom().withNewConfigMapKeyRef("k", "env-cm", false).endValueFrom()
        .endEnv()
        .addNewEnv().withName("B").withNewValueFrom().withNewSecretKeyRef("k", "env-secret", true).endValueFrom()
        .endEnv()
        .addNewEnvFrom().withNewSecretRef().withName("from-secret").endSecretRef().endEnvFrom()
        .endContainer().endSpec().build();
    assertEquals(Set.of("kube-root-ca.crt", "init-from", "env-cm"), PodObjectNames.configMaps(pod));
    assertEquals(Set.of("pull", "vol-secret", "proj-secret", "env-secret", "from-secret"),
        PodObjectNames.secrets(pod));

    objects.registerPod(pod);
    assertEquals(3, objects.configMapWatches());
    assertEquals(5, objects.secretWatches());
    objects.unregisterPod("u");
    assertEquals(0, objects.configMapWatches() + objects.secretWatches());
    assertFalse(secrets.started.stream().anyMatch(w -> !w.stopped));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
