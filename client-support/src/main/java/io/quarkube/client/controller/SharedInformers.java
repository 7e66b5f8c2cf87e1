package io.quarkube.client.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Fabric8 shared informers, one per type for the whole process. Informers asked for before {@link #start()} start
 * together; one asked for later starts at once.
 */
public final class SharedInformers implements Informers, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(SharedInformers.class);

  private final KubernetesClient client;
  private final long resyncMillis;
  private final Map<Class<?>, SharedIndexInformer<?>> informers = new LinkedHashMap<>();
  private boolean started;

  /** @param resync how often every cached object is handed to the handlers again (0: never) */
  public SharedInformers(KubernetesClient client, Duration resync) {
    this.client = client;
    this.resyncMillis = resync.toMillis();
  }

  /** The shared informer of {@code type}, made on first use. */
  @SuppressWarnings("unchecked")
  public synchronized <T extends HasMetadata> SharedIndexInformer<T> informer(Class<T> type) {
    SharedIndexInformer<T> informer = (SharedIndexInformer<T>) informers.get(type);
    if (informer == null) {
      informer = client.resources(type).inAnyNamespace().runnableInformer(resyncMillis);
      retrying(informer, type.getSimpleName());
      informers.put(type, informer);
      if (started) {
        informer.start();
      }
    }
    return informer;
  }

  /**
   * Has a failed list or watch (an API server that is busy or restarting) retried with the informer's backoff
   * instead of stopping the informer for good, which is Fabric8's default after a failed first list.
   */
  public static <T extends HasMetadata> SharedIndexInformer<T> retrying(SharedIndexInformer<T> informer,
      String what) {
    informer.exceptionHandler((isStarted, t) -> {
      LOG.warnf("informer for %s: %s (retrying)", what, t.toString());
      return true;
    });
    return informer;
  }

  @Override
  public <T extends HasMetadata> Indexer<T> indexer(Class<T> type) {
    return informer(type).getIndexer();
  }

  @Override
  public <T extends HasMetadata> void addEventHandler(Class<T> type, ResourceEventHandler<? super T> handler) {
    informer(type).addEventHandler(handler);
  }

  @Override
  public <T extends HasMetadata> void addIndexers(Class<T> type, Map<String, Function<T, List<String>>> indexers) {
    informer(type).addIndexers(indexers);
  }

  @Override
  public boolean hasSynced(Class<? extends HasMetadata> type) {
    return informer(type).hasSynced();
  }

  /** Starts every informer made so far (they list, then watch); later ones start when made. */
  public synchronized void start() {
    started = true;
    for (SharedIndexInformer<?> informer : informers.values()) {
      if (!informer.isRunning()) {
        informer.start();
      }
    }
  }

  /** True when every informer made so far has synced. */
  public synchronized boolean allSynced() {
    return informers.values().stream().allMatch(SharedIndexInformer::hasSynced);
  }

  @Override
  public void close() {
    List<SharedIndexInformer<?>> all;
    synchronized (this) {
      all = new ArrayList<>(informers.values());
    }
    all.forEach(SharedIndexInformer::stop);
  }
}
