package io.quarkube.kubelet.staticpods;

import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The static pods of this node: the manifests in {@code --pod-manifest-path}, read again on every {@link #refresh()}
 * (the kubelet calls it every second; reading a few small files costs little and needs no inotify). Pods are keyed by
 * their hash UID; a new, edited or removed file hands the UIDs concerned to the pod workers. It works without the API
 * server: the kubelet runs these pods whether or not their mirrors could be written.
 */
public final class StaticPodSource {
  private final Path dir;
  private final String nodeName;
  private final Consumer<String> changed;
  private final Clock clock;
  private final Map<String, Pod> byUid = new ConcurrentHashMap<>();
  private final Map<String, String> seen = new HashMap<>();
  private volatile boolean synced;

  public StaticPodSource(Path dir, String nodeName, Consumer<String> changed, Clock clock) {
    this.dir = dir;
    this.nodeName = nodeName;
    this.changed = changed;
    this.clock = clock;
  }

  public Path dir() {
    return dir;
  }

  /** Reads the folder again; returns whether the set of pods changed. */
  public synchronized boolean refresh() {
    Map<String, Pod> now = new HashMap<>();
    for (Pod pod : StaticPodManifests.read(dir, nodeName).values()) {
      String uid = pod.getMetadata().getUid();
      // Two files with the same pod name: the first one wins, as upstream.
      if (now.values().stream().anyMatch(p -> sameName(p, pod))) {
        continue;
      }
      String first = seen.computeIfAbsent(uid, k -> clock.instant().toString());
      pod.getMetadata().getAnnotations().put(StaticPodManifests.CONFIG_SEEN, first);
      now.put(uid, pod);
    }
    Set<String> touched = new HashSet<>();
    for (String uid : now.keySet()) {
      if (!byUid.containsKey(uid)) {
        touched.add(uid);
      }
    }
    for (String uid : byUid.keySet()) {
      if (!now.containsKey(uid)) {
        touched.add(uid);
        seen.remove(uid);
      }
    }
    if (!touched.isEmpty()) {
      byUid.keySet().retainAll(now.keySet());
      byUid.putAll(now);
    }
    synced = true;
    touched.forEach(changed);
    return !touched.isEmpty();
  }

  private static boolean sameName(Pod a, Pod b) {
    return a.getMetadata().getNamespace().equals(b.getMetadata().getNamespace())
        && a.getMetadata().getName().equals(b.getMetadata().getName());
  }

  /** Whether the folder was read at least once (until then no pod may be taken for an orphan). */
  public boolean hasSynced() {
    return synced;
  }

  public Pod get(String uid) {
    return byUid.get(uid);
  }

  public Optional<Pod> byName(String namespace, String name) {
    return byUid.values().stream().filter(p -> p.getMetadata().getNamespace().equals(namespace)
        && p.getMetadata().getName().equals(name)).findFirst();
  }

  public Map<String, Pod> all() {
    return Map.copyOf(byUid);
  }
}
