package io.quarkube.client.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.fabric8.kubernetes.client.informers.impl.cache.CacheImpl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Caches filled by hand ({@link #put}, {@link #remove}); every cache counts as synced. Handlers registered by a
 * controller are called on put/remove like an informer would, so tests can check what a change enqueues, then call
 * {@code reconcile} directly.
 */
public final class StaticInformers implements Informers {
  private final Map<Class<?>, CacheImpl<?>> caches = new HashMap<>();
  private final Map<Class<?>, List<ResourceEventHandler<?>>> handlers = new HashMap<>();

  @SuppressWarnings("unchecked")
  private synchronized <T extends HasMetadata> CacheImpl<T> cache(Class<T> type) {
    return (CacheImpl<T>) caches.computeIfAbsent(type, t -> new CacheImpl<T>());
  }

  @Override
  public <T extends HasMetadata> Indexer<T> indexer(Class<T> type) {
    return cache(type);
  }

  @Override
  public synchronized <T extends HasMetadata> void addEventHandler(Class<T> type,
      ResourceEventHandler<? super T> handler) {
    handlers.computeIfAbsent(type, t -> new ArrayList<>()).add(handler);
  }

  @Override
  public <T extends HasMetadata> void addIndexers(Class<T> type, Map<String, Function<T, List<String>>> indexers) {
    cache(type).addIndexers(indexers);
  }

  @Override
  public boolean hasSynced(Class<? extends HasMetadata> type) {
    return true;
  }

  /** Adds or replaces {@code obj} in its type's cache and tells the handlers (onAdd or onUpdate). */
  @SuppressWarnings("unchecked")
  public <T extends HasMetadata> T put(T obj) {
    Class<T> type = (Class<T>) obj.getClass();
    T old = cache(type).put(obj);
    for (ResourceEventHandler<?> h : handlersOf(type)) {
      ResourceEventHandler<T> handler = (ResourceEventHandler<T>) h;
      if (old == null) {
        handler.onAdd(obj);
      } else {
        handler.onUpdate(old, obj);
      }
    }
    return obj;
  }

  /** Removes {@code obj} from its type's cache and tells the handlers (onDelete). */
  @SuppressWarnings("unchecked")
  public <T extends HasMetadata> void remove(T obj) {
    Class<T> type = (Class<T>) obj.getClass();
    T old = cache(type).remove(obj);
    if (old != null) {
      for (ResourceEventHandler<?> h : handlersOf(type)) {
        ((ResourceEventHandler<T>) h).onDelete(old, false);
      }
    }
  }

  private synchronized List<ResourceEventHandler<?>> handlersOf(Class<?> type) {
    return new ArrayList<>(handlers.getOrDefault(type, List.of()));
  }
}
