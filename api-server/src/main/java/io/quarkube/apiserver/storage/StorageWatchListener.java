package io.quarkube.apiserver.storage;

import java.util.List;

/** Receives a storage watch's events; calls are serialised and in revision order. */
public interface StorageWatchListener {
  /** One etcd watch response: its events share nothing but their order. */
  void onEvents(List<StorageEvent> events);

  /** etcd says every change up to {@code revision} has been sent (progress notification). */
  default void onProgress(long revision) {}

  void onError(Throwable error);
}
