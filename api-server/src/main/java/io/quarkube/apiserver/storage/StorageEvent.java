package io.quarkube.apiserver.storage;

/**
 * A change seen by a storage watch. For deletes {@code value} is null and {@code previous} holds the last state; for
 * puts {@code previous} is the state before the change, or null when the key was created.
 */
public record StorageEvent(Type type, String key, byte[] value, byte[] previous, long revision) {
  public enum Type {
    PUT,
    DELETE
  }
}
