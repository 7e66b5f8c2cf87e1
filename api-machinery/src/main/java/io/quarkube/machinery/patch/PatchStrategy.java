package io.quarkube.machinery.patch;

/** How a strategic merge patch treats a field, from upstream's {@code patchStrategy} struct tag. */
public enum PatchStrategy {
    /** No tag: maps merge key by key, lists are replaced whole (like JSON merge patch). */
    DEFAULT,
    /** {@code patchStrategy:"merge"}: lists merge element-wise (by merge key, or as a set of primitives). */
    MERGE,
    /** {@code patchStrategy:"replace"}: even a map is replaced whole. */
    REPLACE
}
