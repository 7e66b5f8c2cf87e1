package io.quarkube.apiserver.storage;

/** Storage failures the registry turns into API errors. */
public class StorageException extends RuntimeException {
  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }

  public StorageException(String message) {
    super(message);
  }

  /** etcd did not answer in time: the request may or may not have been applied. */
  public static final class Timeout extends StorageException {
    public Timeout(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Create found the key already there. */
  public static final class KeyExists extends StorageException {
    public KeyExists(String key) {
      super("key exists: " + key);
    }
  }

  /** The key is not there. */
  public static final class NotFound extends StorageException {
    public NotFound(String key) {
      super("key not found: " + key);
    }
  }

  /** A compare-and-swap lost: {@code current} is what is stored now (null when the key is gone). */
  public static final class RevisionMismatch extends StorageException {
    private final transient StoredValue current;

    public RevisionMismatch(String key, StoredValue current) {
      super("revision mismatch on " + key);
      this.current = current;
    }

    public StoredValue current() {
      return current;
    }
  }

  /** A read or watch asked for a revision etcd has compacted away. */
  public static final class Compacted extends StorageException {
    private final long compactedRevision;

    public Compacted(long requested, long compactedRevision) {
      super("required revision " + requested + " has been compacted (compacted revision " + compactedRevision + ")");
      this.compactedRevision = compactedRevision;
    }

    public long compactedRevision() {
      return compactedRevision;
    }
  }
}
