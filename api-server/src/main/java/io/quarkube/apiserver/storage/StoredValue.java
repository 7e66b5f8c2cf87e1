package io.quarkube.apiserver.storage;

/** One key as etcd holds it; {@code modRevision} becomes the object's {@code metadata.resourceVersion}. */
public record StoredValue(String key, byte[] value, long modRevision) {}
