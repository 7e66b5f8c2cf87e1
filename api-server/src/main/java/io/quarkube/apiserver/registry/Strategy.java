package io.quarkube.apiserver.registry;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.quarkube.apiserver.errors.FieldError;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What differs between resources in the generic store, after upstream's {@code rest.RESTCreateStrategy} and friends.
 * Everything has a sensible default, so a resource with no rules of its own uses {@link DefaultStrategy}.
 */
public interface Strategy<T extends HasMetadata> {

  /** Fills defaults and resets what a client may not set on create (status for most resources). */
  default void prepareForCreate(T object) {}

  /** Fills defaults on update; the store has already carried over what the request may not change. */
  default void prepareForUpdate(T object, T old) {}

  /**
   * What a write through {@code subresource} (null: the resource itself) may change, beyond the store's own split of
   * spec and status: returns {@code object} with the rest carried over from {@code old} (pods: only
   * {@code pods/ephemeralcontainers} changes {@code spec.ephemeralContainers}).
   */
  default T carryOver(String subresource, T object, T old) {
    return object;
  }

  /**
   * Whether objects read from storage get defaults too ({@link #defaultOnRead}): custom resources whose schema has
   * defaults, as upstream's storage decoder applies them, so a default added to a CRD shows on objects written
   * before it. Reads of such resources always decode (never hand out the stored bytes as they are).
   */
  default boolean defaultsOnRead() {
    return false;
  }

  /** Applies the defaults of {@link #defaultsOnRead()} to an object just read from storage. */
  default void defaultOnRead(T object) {}

  /** Rules that hold for every version of the object. Metadata rules are checked by the store itself. */
  default List<FieldError> validate(T object) {
    return List.of();
  }

  /** Rules about changes; by default the same as for a new object. */
  default List<FieldError> validateUpdate(T object, T old) {
    return validate(object);
  }

  /** Whether spec changes bump {@code metadata.generation} (workloads and policies do; pods and config do not). */
  default boolean tracksGeneration() {
    return false;
  }

  /** Whether creating clears {@code status} (true for resources with a status subresource). */
  default boolean resetsStatusOnCreate() {
    return true;
  }

  /** How names are checked. */
  default NameRule nameRule() {
    return NameRule.DNS1123_SUBDOMAIN;
  }

  /** Fields a field selector may use beyond {@code metadata.name} and {@code metadata.namespace}. */
  default Set<String> selectableFields() {
    return Set.of();
  }

  /** The values of {@link #selectableFields()} for one object ("" where unset). */
  default Map<String, String> fieldValues(T object) {
    return Map.of();
  }

  /** Whether DELETE waits for a grace period (only pods on a node do, see {@code PodStrategy}). */
  default Long gracePeriodSeconds(T object, Long requested) {
    return 0L;
  }

  /** What besides metadata finalizers holds an object after DELETE (namespaces: their spec finalizers). */
  default List<String> deletionBlockers(T object) {
    return List.of();
  }

  /** Marks an object whose deletion is held back (namespaces turn Terminating). */
  default void markDeleting(T object) {}

  /**
   * Removes the fields of a request body that the resource does not have and returns their paths (reported under
   * fieldValidation Strict or Warn). Built-in kinds know their fields from their Fabric8 model class.
   */
  default List<String> pruneUnknownFields(com.fasterxml.jackson.databind.node.ObjectNode body, Class<?> type) {
    return io.quarkube.apiserver.validation.UnknownFields.prune(body, type);
  }

  /** Which lists are maps, sets or atomic: what field ownership (managedFields, server-side apply) is computed on. */
  default io.quarkube.machinery.apply.Schema applySchema(io.quarkube.apiserver.resource.ResourceDefinition def) {
    return io.quarkube.machinery.apply.Schema.builtIn(def.apiVersion(), def.kind())
        .orElseGet(io.quarkube.machinery.apply.Schema::deduced);
  }

  enum NameRule {
    DNS1123_SUBDOMAIN,
    DNS1123_LABEL,
    DNS1035_LABEL,
    /** Path segment rules only (no '/', not '.' or '..'), e.g. RBAC names. */
    PATH_SEGMENT
  }
}
