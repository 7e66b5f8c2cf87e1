package io.quarkube.apiserver.openapi;

import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Upstream's OpenAPI names for Fabric8 model classes: {@code io.fabric8.kubernetes.api.model.apps.Deployment} is
 * {@code io.k8s.api.apps.v1.Deployment}. Fabric8 keeps core/v1 and meta/v1 types in one package, so the meta types
 * are listed by name; kubectl finds schemas by their {@code x-kubernetes-group-version-kind}, but upstream's names
 * keep {@code $ref}s and tools that read the documents familiar.
 */
final class SchemaNames {
  static final String META = "io.k8s.apimachinery.pkg.apis.meta.v1.";
  static final String TIME = META + "Time";
  static final String MICRO_TIME = META + "MicroTime";
  static final String QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";
  static final String INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
  static final String RAW_EXTENSION = "io.k8s.apimachinery.pkg.runtime.RawExtension";
  /** The CRD types live in the apiextensions-apiserver repository, and upstream's names say so. */
  static final String APIEXTENSIONS = "io.k8s.apiextensions-apiserver.pkg.apis.";
  static final String APIEXTENSIONS_V1 = APIEXTENSIONS + "apiextensions.v1.";

  private static final String FABRIC8 = "io.fabric8.kubernetes.api.model";

  /** The apimachinery meta/v1 types that Fabric8 puts beside the core/v1 ones. */
  private static final Set<String> META_TYPES = Set.of(
      "APIGroup", "APIGroupList", "APIResource", "APIResourceList", "APIVersions", "Condition", "CreateOptions",
      "DeleteOptions", "Duration", "FieldSelectorRequirement", "FieldsV1", "GetOptions", "GroupKind",
      "GroupVersionForDiscovery", "GroupVersionKind", "GroupVersionResource", "LabelSelector",
      "LabelSelectorRequirement", "ListMeta", "ListOptions", "ManagedFieldsEntry", "MicroTime", "ObjectMeta",
      "OwnerReference", "Patch", "PatchOptions", "Preconditions", "RootPaths", "ServerAddressByClientCIDR", "Status",
      "StatusCause", "StatusDetails", "TypeMeta", "UpdateOptions", "WatchEvent");

  /** Fabric8 packages without a version segment, and the upstream group package they stand for. */
  private static final Map<String, String> UNVERSIONED = Map.of(
      "apps", "apps.v1",
      "rbac", "rbac.v1",
      "storage", "storage.v1",
      "authentication", "authentication.v1",
      "extensions", "extensions.v1beta1");

  private static final Map<String, String> SPECIAL = Map.of(
      FABRIC8 + ".Quantity", QUANTITY,
      FABRIC8 + ".IntOrString", INT_OR_STRING,
      FABRIC8 + ".version.Info", "io.k8s.apimachinery.pkg.version.Info");

  private static final Pattern VERSION = Pattern.compile("v\\d+((alpha|beta)\\d+)?");

  private SchemaNames() {}

  /** Whether the class is a Fabric8 model type that gets a schema of its own. */
  static boolean isModel(Class<?> c) {
    return c.getName().startsWith(FABRIC8 + ".") && !c.isInterface() && !c.isEnum();
  }

  static String of(Class<?> c) {
    String special = SPECIAL.get(c.getName());
    if (special != null) {
      return special;
    }
    String pkg = c.getPackageName();
    String simple = c.getSimpleName();
    if (pkg.equals(FABRIC8)) {
      return (META_TYPES.contains(simple) ? META : "io.k8s.api.core.v1.") + simple;
    }
    String rest = pkg.substring(FABRIC8.length() + 1);
    String last = rest.substring(rest.lastIndexOf('.') + 1);
    if (!VERSION.matcher(last).matches()) {
      rest = UNVERSIONED.getOrDefault(rest, rest + ".v1");
    }
    if (rest.startsWith("apiextensions.")) {
      return APIEXTENSIONS + rest + "." + simple;
    }
    return "io.k8s.api." + rest + "." + simple;
  }
}
