package io.quarkube.apiserver.registry;

/**
 * What a write stored, and its JSON as the response shows it (with its resourceVersion), encoded once with the bytes
 * for etcd (see {@link VersionedJson}); {@code json} is null when there is none to reuse (dry runs, no-op updates).
 */
public record Written<T>(T object, byte[] json) {}
