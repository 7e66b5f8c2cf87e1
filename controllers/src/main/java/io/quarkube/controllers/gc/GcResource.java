package io.quarkube.controllers.gc;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/** A resource the garbage collector watches (from discovery). */
record GcResource(String group, String version, String plural, String kind, boolean namespaced) {
  String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** Owner references name kinds by apiVersion + kind; the version does not matter for identity. */
  String groupKind() {
    return kind + "." + group;
  }

  ResourceDefinitionContext context() {
    return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withPlural(plural)
        .withKind(kind).withNamespaced(namespaced).build();
  }

  static String groupOf(String apiVersion) {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }
}
