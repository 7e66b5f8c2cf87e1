package io.quarkube.apiserver.storage;

import java.util.List;

/**
 * One page of a range read, all taken at {@code revision} so that following pages (read at the same revision) form
 * one consistent snapshot.
 */
public record ListResult(List<StoredValue> items, long revision, boolean more) {}
