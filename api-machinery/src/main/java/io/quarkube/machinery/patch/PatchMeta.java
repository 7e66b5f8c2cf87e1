package io.quarkube.machinery.patch;

import java.util.List;

/**
 * Answers, for a field, the strategic-merge tags upstream reads from the Go struct of the object being patched.
 *
 * <p>The path holds field names from the object's root down to the field, without list indices: the containers of a
 * pod template are {@code ["spec", "template", "spec", "containers"]}, their ports
 * {@code ["spec", "template", "spec", "containers", "ports"]}.
 */
@FunctionalInterface
public interface PatchMeta {

    /** Every field untagged: strategic merge patch then behaves like JSON merge patch. */
    PatchMeta NONE = path -> FieldPatchMeta.NONE;

    /** The tags of the field at {@code path}; {@link FieldPatchMeta#NONE} for unknown fields. */
    FieldPatchMeta lookup(List<String> path);
}
