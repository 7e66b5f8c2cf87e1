package io.quarkube.machinery.apply;

/** How a list merges and is owned: upstream's {@code x-kubernetes-list-type}. */
public enum ListType {
    /** Replaced as a whole and owned as one field (the default for untagged lists). */
    ATOMIC,
    /** A set of scalars: items merge by value and are owned one by one ({@code v:} paths). */
    SET,
    /** An associative list: items merge by their key fields and are owned one by one ({@code k:} paths). */
    MAP
}
