package io.quarkube.controllers.support;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkube.client.controller.Keys;
import io.quarkube.client.controller.StaticInformers;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An {@link ObjectWriter} for reconcile tests: records each write as text ({@code "create ServiceAccount ns/default"})
 * and applies it to the hand-filled caches, as the API server and an informer would.
 */
public final class RecordingWriter implements ObjectWriter {
  private final StaticInformers caches;
  private final List<String> actions = new CopyOnWriteArrayList<>();
  private final AtomicLong revision = new AtomicLong(100);
  private final AtomicLong names = new AtomicLong();
  private volatile boolean observe = true;
  /** Objects created while the caches did not observe writes: the server has them, the informer not yet. */
  private final java.util.Map<String, HasMetadata> unseen = new java.util.concurrent.ConcurrentHashMap<>();

  public RecordingWriter(StaticInformers caches) {
    this.caches = caches;
  }

  /** false: writes succeed but the caches do not see them (a lagging informer). */
  public void observeWrites(boolean observe) {
    this.observe = observe;
  }

  /** The lagging informer catches up: objects created unobserved appear in the caches. */
  public void catchUp() {
    unseen.values().forEach(caches::put);
    unseen.clear();
  }

  public List<String> actions() {
    return actions;
  }

  private String describe(String verb, HasMetadata obj) {
    return verb + " " + obj.getKind() + " " + Keys.of(obj);
  }

  @Override
  public <T extends HasMetadata> T create(T obj) {
    actions.add(describe("create", obj));
    @SuppressWarnings("unchecked")
    T stored = (T) Serialization.clone(obj);
    if (stored.getMetadata().getName() == null && stored.getMetadata().getGenerateName() != null) {
      stored.getMetadata().setName(stored.getMetadata().getGenerateName() + names.incrementAndGet());
    }
    String key = stored.getKind() + " " + Keys.of(stored);
    if (unseen.containsKey(key) || caches.indexer(stored.getClass()).getByKey(Keys.of(stored)) != null) {
      throw new KubernetesClientException("already exists", 409, null);
    }
    stored.getMetadata().setUid(UUID.randomUUID().toString());
    stored.getMetadata().setResourceVersion(String.valueOf(revision.incrementAndGet()));
    if (!observe) {
      unseen.put(key, stored);
      return stored;
    }
    return caches.put(stored);
  }

  @Override
  public <T extends HasMetadata> T update(T obj) {
    actions.add(describe("update", obj));
    return store(obj);
  }

  @Override
  public <T extends HasMetadata> T updateStatus(T obj) {
    actions.add(describe("update-status", obj));
    return store(obj);
  }

  private <T extends HasMetadata> T store(T obj) {
    @SuppressWarnings("unchecked")
    T stored = (T) Serialization.clone(obj);
    stored.getMetadata().setResourceVersion(String.valueOf(revision.incrementAndGet()));
    return caches.put(stored);
  }

  @Override
  public void delete(HasMetadata obj, DeletionPropagation propagation) {
    actions.add(describe("delete", obj) + (propagation == null ? "" : " " + propagation.toString()));
    if (observe) {
      HasMetadata current = caches.indexer(obj.getClass()).getByKey(Keys.of(obj));
      if (current != null && current.getMetadata().getFinalizers() != null
          && !current.getMetadata().getFinalizers().isEmpty()) {
        // as the API server: finalizers keep the object, marked for deletion, until they are all removed
        HasMetadata marked = Serialization.clone(current);
        if (marked.getMetadata().getDeletionTimestamp() == null) {
          marked.getMetadata().setDeletionTimestamp("2024-01-01T00:00:00Z");
        }
        store(marked);
      } else {
        caches.remove(obj);
      }
    }
  }

  @Override
  public void removeFinalizer(HasMetadata obj, String finalizer) {
    actions.add(describe("remove-finalizer " + finalizer, obj));
    HasMetadata current = caches.indexer(obj.getClass()).getByKey(Keys.of(obj));
    if (!observe || current == null || current.getMetadata().getFinalizers() == null
        || !current.getMetadata().getFinalizers().contains(finalizer)) {
      return;
    }
    HasMetadata changed = Serialization.clone(current);
    List<String> rest = new java.util.ArrayList<>(changed.getMetadata().getFinalizers());
    rest.remove(finalizer);
    changed.getMetadata().setFinalizers(rest);
    // an object marked for deletion stays: a pod until its kubelet confirms (tests remove it as the kubelet would)
    store(changed);
  }

  @Override
  public void forceDelete(HasMetadata obj) {
    actions.add(describe("force-delete", obj));
    if (observe) {
      caches.remove(obj);
    }
  }
}
