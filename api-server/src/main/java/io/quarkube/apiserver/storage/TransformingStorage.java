package io.quarkube.apiserver.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link Storage} that passes the values of some key prefixes (e.g. {@code /registry/secrets/}) through a
 * {@link ValueTransformer} on their way to and from etcd: writes are encrypted, reads, lists and watch events
 * decrypted. Everything else, and every precondition (revisions), goes through untouched.
 */
public final class TransformingStorage implements Storage {
  private final Storage delegate;
  private final Map<String, ValueTransformer> byPrefix;

  public TransformingStorage(Storage delegate, Map<String, ValueTransformer> byPrefix) {
    this.delegate = delegate;
    this.byPrefix = Map.copyOf(byPrefix);
  }

  private Optional<ValueTransformer> transformer(String key) {
    for (var e : byPrefix.entrySet()) {
      if (key.startsWith(e.getKey())) {
        return Optional.of(e.getValue());
      }
    }
    return Optional.empty();
  }

  private byte[] out(String key, byte[] plain) {
    return transformer(key).map(t -> t.toStorage(plain, key)).orElse(plain);
  }

  private byte[] in(String key, byte[] stored) {
    if (stored == null) {
      return null;
    }
    return transformer(key).map(t -> t.fromStorage(stored, key)).orElse(stored);
  }

  private StoredValue in(StoredValue v) {
    return v == null ? null : new StoredValue(v.key(), in(v.key(), v.value()), v.modRevision());
  }

  @Override
  public long create(String key, byte[] value) {
    return delegate.create(key, out(key, value));
  }

  @Override
  public long count(String prefix) {
    return delegate.count(prefix);
  }

  @Override
  public Optional<StoredValue> get(String key) {
    return delegate.get(key).map(this::in);
  }

  @Override
  public long update(String key, byte[] value, long expectedRevision) {
    try {
      return delegate.update(key, out(key, value), expectedRevision);
    } catch (StorageException.RevisionMismatch e) {
      throw new StorageException.RevisionMismatch(key, in(e.current()));
    }
  }

  @Override
  public long delete(String key, long expectedRevision) {
    try {
      return delegate.delete(key, expectedRevision);
    } catch (StorageException.RevisionMismatch e) {
      throw new StorageException.RevisionMismatch(key, in(e.current()));
    }
  }

  @Override
  public ListResult list(String prefix, String startAfter, long revision, long limit) {
    ListResult r = delegate.list(prefix, startAfter, revision, limit);
    List<StoredValue> items = new ArrayList<>(r.items().size());
    for (StoredValue v : r.items()) {
      items.add(in(v));
    }
    return new ListResult(items, r.revision(), r.more(), r.count());
  }

  @Override
  public long currentRevision() {
    return delegate.currentRevision();
  }

  @Override
  public void checkHealthy(java.time.Duration timeout) {
    delegate.checkHealthy(timeout);
  }

  @Override
  public StorageWatch watch(String prefix, long afterRevision, StorageWatchListener listener) {
    return delegate.watch(prefix, afterRevision, StorageWatchListener.of(events -> {
      List<StorageEvent> plain = new ArrayList<>(events.size());
      for (StorageEvent e : events) {
        plain.add(new StorageEvent(e.type(), e.key(), in(e.key(), e.value()), in(e.key(), e.previous()),
            e.revision()));
      }
      listener.onEvents(plain);
    }, listener::onProgress, listener::onError));
  }

  @Override
  public void close() {
    delegate.close();
  }

  /** The storage under this one (for tests and tools that need the raw bytes). */
  public Storage delegate() {
    return delegate;
  }
}
