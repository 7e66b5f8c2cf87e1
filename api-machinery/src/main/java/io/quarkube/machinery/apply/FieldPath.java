package io.quarkube.machinery.apply;

import java.util.ArrayList;
import java.util.List;

/**
 * A path to a field, list item or set item, as structured-merge-diff's {@code fieldpath.Path}. Its string form is the
 * one conflicts are reported with: {@code .spec.template.spec.containers[name="nginx"].image}.
 */
public record FieldPath(List<PathElement> elements) implements Comparable<FieldPath> {

    public FieldPath {
        elements = List.copyOf(elements);
    }

    public static FieldPath of(PathElement... elements) {
        return new FieldPath(List.of(elements));
    }

    /** A path of field names only, e.g. {@code fields("spec", "replicas")}. */
    public static FieldPath fields(String... names) {
        List<PathElement> out = new ArrayList<>();
        for (String n : names) {
            out.add(new PathElement.Field(n));
        }
        return new FieldPath(out);
    }

    /** A path of field names separated by dots, e.g. {@code "spec.replicas"}. */
    public static FieldPath parseDotted(String dotted) {
        return fields(dotted.split("\\."));
    }

    public FieldPath append(PathElement e) {
        List<PathElement> out = new ArrayList<>(elements);
        out.add(e);
        return new FieldPath(out);
    }

    public int size() {
        return elements.size();
    }

    public boolean isEmpty() {
        return elements.isEmpty();
    }

    @Override
    public int compareTo(FieldPath o) {
        for (int i = 0; ; i++) {
            if (i >= elements.size() && i >= o.elements.size()) {
                return 0;
            }
            if (i >= elements.size()) {
                return -1;
            }
            if (i >= o.elements.size()) {
                return 1;
            }
            int c = elements.get(i).compareTo(o.elements.get(i));
            if (c != 0) {
                return c;
            }
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (PathElement e : elements) {
            sb.append(e);
        }
        return sb.toString();
    }
}
