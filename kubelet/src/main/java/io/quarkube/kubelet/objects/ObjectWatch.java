package io.quarkube.kubelet.objects;

/**
 * One running watch of one named object (list+watch narrowed to its name), as {@link WatchingObjectCache} holds per
 * referenced ConfigMap or Secret. An interface so the reference counting can be tested without an API server.
 */
public interface ObjectWatch<T> {
  /** Whether the first list has arrived: before that, "absent" would be a guess. */
  boolean hasSynced();

  /** The object as last seen by the watch; null when it does not exist (or was deleted). */
  T current();

  /** Ends the watch; its connection to the API server closes. */
  void stop();

  /** Starts the watch of one object. */
  @FunctionalInterface
  interface Starter<T> {
    ObjectWatch<T> start(String namespace, String name);
  }
}
