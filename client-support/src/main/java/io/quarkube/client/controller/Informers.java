package io.quarkube.client.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Where controllers get their caches and events from: one shared informer per type, whoever asks for it (like
 * client-go's {@code SharedInformerFactory}). {@link SharedInformers} is the real one (watches the API server);
 * {@link StaticInformers} holds caches filled by hand, so a controller's {@code reconcile} can be tested alone.
 */
public interface Informers {
  /** The cache of every object of {@code type} (all namespaces), kept by the shared informer. */
  <T extends HasMetadata> Indexer<T> indexer(Class<T> type);

  /** Calls {@code handler} for every add, update and delete of {@code type} (and resyncs, as updates). */
  <T extends HasMetadata> void addEventHandler(Class<T> type, ResourceEventHandler<? super T> handler);

  /** Adds secondary indexes to the cache of {@code type} (name → function giving an object's index values). */
  <T extends HasMetadata> void addIndexers(Class<T> type, Map<String, Function<T, List<String>>> indexers);

  /** True once the cache of {@code type} holds the initial list. */
  boolean hasSynced(Class<? extends HasMetadata> type);
}
