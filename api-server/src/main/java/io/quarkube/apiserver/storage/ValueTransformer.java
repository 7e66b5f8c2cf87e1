package io.quarkube.apiserver.storage;

/**
 * Turns a stored value into what etcd holds and back (upstream's {@code value.Transformer}): encryption at rest is a
 * transformer per resource. {@code key} is the etcd key, bound into authenticated encryption so a value cannot be
 * moved to another key.
 */
public interface ValueTransformer {
  byte[] toStorage(byte[] plain, String key);

  byte[] fromStorage(byte[] stored, String key);
}
