package io.quarkube.apiserver.storage;

/** A running storage watch; closing it stops the events. */
public interface StorageWatch extends AutoCloseable {
  @Override
  void close();
}
