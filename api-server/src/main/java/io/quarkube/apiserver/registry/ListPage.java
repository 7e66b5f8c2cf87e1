package io.quarkube.apiserver.registry;

import java.util.List;

/** One page of a list: the items, the snapshot revision, and the token for the next page (null on the last). */
public record ListPage<T>(List<T> items, long resourceVersion, String continueToken, Long remainingItemCount) {}
