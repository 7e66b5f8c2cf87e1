package io.quarkube.apiserver.storage;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/** Receives a storage watch's events; calls are serialised and in revision order. */
public interface StorageWatchListener {
  /** One etcd watch response: its events share nothing but their order. */
  void onEvents(List<StorageEvent> events);

  /** etcd says every change up to {@code revision} has been sent (progress notification). */
  default void onProgress(long revision) {}

  void onError(Throwable error);

  /** A listener made of three functions (wrappers that change the events and pass the rest on). */
  static StorageWatchListener of(Consumer<List<StorageEvent>> events, LongConsumer progress,
      Consumer<Throwable> errors) {
    return new StorageWatchListener() {
      @Override
      public void onEvents(List<StorageEvent> e) {
        events.accept(e);
      }

      @Override
      public void onProgress(long revision) {
        progress.accept(revision);
      }

      @Override
      public void onError(Throwable error) {
        errors.accept(error);
      }
    };
  }
}
