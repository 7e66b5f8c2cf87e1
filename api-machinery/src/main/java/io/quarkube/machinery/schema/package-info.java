/**
 * What the API server needs to serve CustomResourceDefinitions (apiextensions.k8s.io/v1), as pure functions on Jackson
 * trees, after upstream's k8s.io/apiextensions-apiserver.
 *
 * <p>On CRD create/update: {@link io.quarkube.machinery.schema.StructuralSchema#parse(com.fasterxml.jackson.databind.JsonNode,
 * String, io.quarkube.machinery.schema.StructuralSchema.Options)} per version, 422 with its errors.
 *
 * <p>On every custom resource decoded from a request body or from storage, in upstream's order:
 * {@link io.quarkube.machinery.schema.Pruner#prune} (its paths answer {@code fieldValidation=Strict/Warn}),
 * {@link io.quarkube.machinery.schema.Pruner#pruneNonNullableNullsWithoutDefaults}, the ObjectMeta handling of the
 * API server, then {@link io.quarkube.machinery.schema.Defaulter#apply}. On create/update, after the generic
 * checks: {@link io.quarkube.machinery.schema.Validator#validate} (422); for the status subresource
 * {@code Validator.validateValue(obj.get("status"), schema.property("status"), "status")}.
 */
package io.quarkube.machinery.schema;
