package io.quarkube.machinery.schema;

/**
 * Upstream's {@code field.Path} as plain strings: {@code null} is Go's nil path (printed {@code <nil>}), a child
 * is joined with a dot, an index or key is bracketed ({@code spec.items[0]}, {@code properties[spec]}).
 */
final class Paths {

    private Paths() {
    }

    static String child(String parent, String name) {
        if (parent == null || parent.isEmpty()) {
            return name;
        }
        return name.isEmpty() ? parent : parent + "." + name;
    }

    static String index(String parent, int i) {
        return (parent == null ? "" : parent) + "[" + i + "]";
    }

    static String key(String parent, String key) {
        return (parent == null ? "" : parent) + "[" + key + "]";
    }
}
