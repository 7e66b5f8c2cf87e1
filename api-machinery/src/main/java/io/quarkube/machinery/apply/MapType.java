package io.quarkube.machinery.apply;

/** How a map or struct merges and is owned: upstream's {@code x-kubernetes-map-type} / {@code +structType}. */
public enum MapType {
    /** Each key is merged and owned separately (the default). */
    GRANULAR,
    /** Replaced as a whole and owned as one field. */
    ATOMIC
}
