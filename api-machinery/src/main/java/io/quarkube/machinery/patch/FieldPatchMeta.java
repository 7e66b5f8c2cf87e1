package io.quarkube.machinery.patch;

/**
 * Upstream's {@code patchStrategy}/{@code patchMergeKey} tags for one field.
 *
 * @param strategy   merge/replace behaviour of the field
 * @param retainKeys whether the tag lists {@code retainKeys}; informative only, since the server acts on the
 *                   {@code $retainKeys} directive the client sends, not on the tag
 * @param mergeKey   the element field identifying list entries, or "" (lists of primitives, or no key)
 */
public record FieldPatchMeta(PatchStrategy strategy, boolean retainKeys, String mergeKey) {

    /** A field without tags. */
    public static final FieldPatchMeta NONE = new FieldPatchMeta(PatchStrategy.DEFAULT, false, "");

    public FieldPatchMeta {
        if (strategy == null) {
            throw new IllegalArgumentException("strategy is required");
        }
        mergeKey = mergeKey == null ? "" : mergeKey;
    }

    /** A field tagged {@code patchStrategy:"merge"} with the given merge key ("" for primitives). */
    public static FieldPatchMeta merge(String mergeKey) {
        return new FieldPatchMeta(PatchStrategy.MERGE, false, mergeKey);
    }

    /**
     * Parses the tag values as written in Go, e.g. {@code ("merge,retainKeys", "name")}. Like upstream, at most two
     * strategies are allowed and only one of them may be other than retainKeys.
     */
    public static FieldPatchMeta parse(String patchStrategy, String patchMergeKey) {
        PatchStrategy strategy = PatchStrategy.DEFAULT;
        boolean retainKeys = false;
        String[] parts = patchStrategy == null || patchStrategy.isBlank() ? new String[0] : patchStrategy.split(",");
        if (parts.length > 2) {
            throw new IllegalArgumentException("unexpected patch strategy: " + patchStrategy);
        }
        for (String part : parts) {
            switch (part.trim()) {
                case "retainKeys" -> retainKeys = true;
                case "merge", "replace" -> {
                    if (strategy != PatchStrategy.DEFAULT) {
                        throw new IllegalArgumentException("unexpected patch strategy: " + patchStrategy);
                    }
                    strategy = part.trim().equals("merge") ? PatchStrategy.MERGE : PatchStrategy.REPLACE;
                }
                default -> throw new IllegalArgumentException("unknown patch strategy: " + part);
            }
        }
        return new FieldPatchMeta(strategy, retainKeys, patchMergeKey);
    }

    public boolean hasMergeKey() {
        return !mergeKey.isEmpty();
    }
}
