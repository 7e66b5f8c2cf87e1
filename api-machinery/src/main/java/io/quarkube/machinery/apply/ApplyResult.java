package io.quarkube.machinery.apply;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The outcome of a server-side apply.
 *
 * @param object        the object to store: the live object merged with the configuration, fields the applier no
 *                      longer applies (and nobody else owns) removed, {@code metadata.managedFields} set; when the
 *                      apply changes nothing, a copy of the live object with the new managedFields
 * @param managedFields the new managedFields (also written into {@code object})
 * @param changed       whether {@code object} differs from the live object apart from managedFields
 */
public record ApplyResult(ObjectNode object, ManagedFields managedFields, boolean changed) {
}
