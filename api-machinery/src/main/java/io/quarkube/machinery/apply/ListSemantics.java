package io.quarkube.machinery.apply;

import java.util.List;
import java.util.Objects;

/**
 * The merge semantics of one list: its {@link ListType} and, for {@link ListType#MAP}, the key fields
 * ({@code x-kubernetes-list-map-keys}) in their declared order.
 */
public record ListSemantics(ListType type, List<String> keys) {

    private static final ListSemantics ATOMIC = new ListSemantics(ListType.ATOMIC, List.of());
    private static final ListSemantics SET = new ListSemantics(ListType.SET, List.of());

    public ListSemantics {
        Objects.requireNonNull(type, "type");
        keys = keys == null ? List.of() : List.copyOf(keys);
        if (type == ListType.MAP && keys.isEmpty()) {
            throw new IllegalArgumentException("a map list needs key fields");
        }
        if (type != ListType.MAP && !keys.isEmpty()) {
            throw new IllegalArgumentException("only map lists have key fields");
        }
    }

    public static ListSemantics atomic() {
        return ATOMIC;
    }

    public static ListSemantics set() {
        return SET;
    }

    public static ListSemantics map(String... keys) {
        return new ListSemantics(ListType.MAP, List.of(keys));
    }

    public static ListSemantics map(List<String> keys) {
        return new ListSemantics(ListType.MAP, keys);
    }

    /** Whether items are merged and owned one by one (set or map). */
    public boolean associative() {
        return type != ListType.ATOMIC;
    }

    @Override
    public String toString() {
        return type == ListType.MAP ? "map" + keys : type.name().toLowerCase();
    }
}
