/**
 * Server-side apply and field ownership ({@code metadata.managedFields}) as pure functions over Jackson trees, with
 * the semantics of upstream's structured-merge-diff and k8s.io/apimachinery field manager.
 *
 * <ul>
 *   <li>{@link io.quarkube.machinery.apply.FieldManager#apply} — {@code PATCH} with
 *       {@code application/apply-patch+yaml}: merged object and managedFields, or
 *       {@link io.quarkube.machinery.apply.ApplyConflictException} (409).</li>
 *   <li>{@link io.quarkube.machinery.apply.FieldManager#update} — every other write: the new managedFields.</li>
 *   <li>{@link io.quarkube.machinery.apply.FieldSet} — sets of field paths in the {@code fieldsV1} encoding;
 *       {@link io.quarkube.machinery.apply.ManagedFields} / {@link io.quarkube.machinery.apply.ManagedFieldsEntry} —
 *       the entries.</li>
 *   <li>{@link io.quarkube.machinery.apply.Schema} — list ({@link io.quarkube.machinery.apply.ListSemantics}) and map
 *       ({@link io.quarkube.machinery.apply.MapType}) semantics: built in for every GA kind (from upstream's Go types,
 *       {@code kubernetes-apply-schema.txt}), from an OpenAPI v3 schema for custom resources, or deduced.</li>
 * </ul>
 *
 * <p>How the API server uses it: for an apply, read the live object (null if absent), call {@code apply}, then run the
 * resource's strategy (defaults, reset of status/spec, validation) on {@code result.object()} and store it. For other
 * writes, upstream records ownership on the decoded and defaulted request object, before admission and the
 * strategy run: {@code FieldManager.update(old, new, manager, ...).writeTo(new)} at that point (old is null for a
 * create). The manager is {@code ?fieldManager=} or
 * {@link io.quarkube.machinery.apply.FieldManager#managerFromUserAgent}.
 */
package io.quarkube.machinery.apply;
