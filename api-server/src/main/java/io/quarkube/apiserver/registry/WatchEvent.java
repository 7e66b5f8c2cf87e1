package io.quarkube.apiserver.registry;

/** One event of an API watch, before it is written out: ADDED, MODIFIED, DELETED or BOOKMARK. */
public record WatchEvent<T>(String type, T object, long resourceVersion) {}
