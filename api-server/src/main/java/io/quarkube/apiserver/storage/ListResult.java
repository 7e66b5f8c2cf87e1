package io.quarkube.apiserver.storage;

import java.util.List;

/**
 * One page of a range read, all taken at {@code revision} so that following pages (read at the same revision) form
 * one consistent snapshot. {@code count} is how many keys the range held from the page's first key on, ignoring the
 * limit (etcd's count), so {@code count - items.size()} keys follow this page.
 */
public record ListResult(List<StoredValue> items, long revision, boolean more, long count) {}
