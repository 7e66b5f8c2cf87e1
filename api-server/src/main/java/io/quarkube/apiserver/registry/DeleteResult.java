package io.quarkube.apiserver.registry;

/**
 * The object a DELETE leaves behind: gone from storage ({@code deleted}) or still there with a
 * {@code deletionTimestamp} while finalizers or a grace period hold it (upstream answers 202 then).
 * {@code revision} is the etcd revision of the write (0 when nothing was written, e.g. on dry run).
 */
public record DeleteResult<T>(T object, boolean deleted, long revision) {}
