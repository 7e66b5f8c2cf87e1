package io.quarkube.apiserver.admission;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.quarkube.apiserver.authz.ObjectCache;
import io.quarkube.apiserver.registry.GenericStore;
import io.quarkube.apiserver.registry.ListOptions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The reads admission makes on every pod create (its namespace, service account, limit ranges, priority classes,
 * quotas), answered from an in-memory copy kept by a watch, as upstream's admission plugins read informers: a pod
 * create then costs one etcd round trip (its own write) instead of seven.
 *
 * <p>Unlike an informer the copy is never stale for this API server's own writes: it answers only once it has seen
 * the newest revision written to the resource ({@link GenericStore#lastWriteRevision}), waiting a moment for the
 * watch to catch up, and otherwise reads etcd, as does a lookup the copy cannot answer (an object it does not hold
 * may have been written a moment ago). Objects handed out are shared: callers read them and never change them.
 */
public final class CachedReads {
  private static final String BY_NAMESPACE = "namespace";
  /** How long a read waits for the watch to deliver a recent write before it goes to etcd itself. */
  private static final long CATCH_UP_MILLIS = 100;
  private static final Comparator<HasMetadata> KEY_ORDER = Comparator.comparing(
      (HasMetadata o) -> Objects.toString(o.getMetadata().getNamespace(), "") + "/" + o.getMetadata().getName());

  private final GenericStore<HasMetadata> store;
  private final ObjectCache cache;

  public CachedReads(GenericStore<HasMetadata> store) {
    this.store = store;
    this.cache = new ObjectCache(store, Map.of(BY_NAMESPACE,
        o -> List.of(Objects.toString(o.getMetadata().getNamespace(), ""))));
  }

  /** Starts the copy's list and watch (in the background: reads go to etcd until it is in). */
  public CachedReads start() {
    cache.start();
    return this;
  }

  public void stop() {
    cache.stop();
  }

  public GenericStore<HasMetadata> store() {
    return store;
  }

  /** The object, from the copy when it is current and holds it, else from etcd. */
  public Optional<HasMetadata> find(String namespace, String name) {
    if (current()) {
      HasMetadata o = cache.get(namespace, name);
      if (o != null) {
        return Optional.of(o);
      }
    }
    return store.find(namespace, name);
  }

  /** All objects of a namespace (or of the cluster when null) in etcd's key order, as {@code store.list} gives. */
  public List<HasMetadata> list(String namespace) {
    if (!current()) {
      return store.list(namespace, ListOptions.all()).items();
    }
    List<HasMetadata> out = new ArrayList<>(namespace == null ? cache.all()
        : cache.byIndex(BY_NAMESPACE, namespace));
    out.sort(KEY_ORDER);
    return out;
  }

  private boolean current() {
    return cache.synced() && cache.awaitRevision(store.lastWriteRevision(), CATCH_UP_MILLIS);
  }
}
