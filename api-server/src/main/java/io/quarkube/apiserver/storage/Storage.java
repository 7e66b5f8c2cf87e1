package io.quarkube.apiserver.storage;

import java.util.Optional;

/**
 * The API server's only way to etcd: keys hold serialized objects, revisions are etcd's global revisions. Every
 * write is a single etcd transaction, so a failed write changes nothing.
 */
public interface Storage extends AutoCloseable {

  /** Writes a new key; fails with {@link StorageException.KeyExists} if it is there. Returns the new revision. */
  long create(String key, byte[] value);

  Optional<StoredValue> get(String key);

  /**
   * Replaces the key if its mod revision is still {@code expectedRevision}, else throws
   * {@link StorageException.RevisionMismatch} with what is stored now. Returns the new revision.
   */
  long update(String key, byte[] value, long expectedRevision);

  /**
   * Deletes the key if its mod revision is still {@code expectedRevision}; returns the revision of the delete.
   * Throws {@link StorageException.RevisionMismatch} otherwise.
   */
  long delete(String key, long expectedRevision);

  /**
   * Reads keys under {@code prefix} in key order, starting after {@code startAfter} (null for the first page), at
   * {@code revision} (0 for the newest), at most {@code limit} (0 for all).
   */
  ListResult list(String prefix, String startAfter, long revision, long limit);

  /** How many keys are under {@code prefix} now (for apiserver_storage_objects). */
  default long count(String prefix) {
    return list(prefix, null, 0, 1).count();
  }

  /** etcd's newest revision. */
  long currentRevision();

  /**
   * Throws unless etcd answers a read within {@code timeout} (upstream's {@code --etcd-healthcheck-timeout}, 2 s), for
   * {@code /readyz}: a stuck etcd must not hold a probe for a whole request timeout.
   */
  default void checkHealthy(java.time.Duration timeout) {
    currentRevision();
  }

  /**
   * Streams every change under {@code prefix} after {@code afterRevision}, in revision order. A compacted start
   * revision ends the watch through {@link StorageWatchListener#onError} with {@link StorageException.Compacted}.
   */
  StorageWatch watch(String prefix, long afterRevision, StorageWatchListener listener);

  @Override
  void close();
}
