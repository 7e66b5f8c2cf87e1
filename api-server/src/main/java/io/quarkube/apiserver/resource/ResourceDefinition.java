package io.quarkube.apiserver.resource;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Set;

/**
 * Everything the API server knows about one resource type: where it lives in the URL space and in etcd, how discovery
 * describes it, and the Fabric8 model class its objects decode to. Per-resource behaviour (defaulting, validation,
 * what an update may change) lives in the registry strategy that the catalog pairs with it.
 *
 * @param storagePrefix upstream's etcd key prefix below {@code /registry/} (e.g. {@code services/specs},
 *     {@code minions} for nodes)
 * @param subresources the subresources served, e.g. {@code status}, {@code scale}, {@code binding}
 * @param verbs the verbs served, in discovery order; {@code [create]} alone marks a virtual resource (a review or
 *     request answered at once and never stored, such as SelfSubjectAccessReview), whose storagePrefix is null
 */
public record ResourceDefinition(
    String group,
    String version,
    String resource,
    String singular,
    String kind,
    boolean namespaced,
    List<String> shortNames,
    List<String> categories,
    Set<String> subresources,
    Class<? extends HasMetadata> type,
    String storagePrefix,
    List<String> verbs) {

  /** The verbs every built-in resource serves, in upstream's discovery order. */
  public static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  public String listKind() {
    return kind + "List";
  }

  public boolean hasStatus() {
    return subresources.contains("status");
  }

  public boolean hasScale() {
    return subresources.contains("scale");
  }

  /** {@code pods} for the core group, {@code deployments.apps} elsewhere: the name in error messages. */
  public String groupResource() {
    return group.isEmpty() ? resource : resource + "." + group;
  }

  /** Whether objects of this resource are only answered, never stored (reviews, token requests). */
  public boolean isVirtual() {
    return storagePrefix == null;
  }

  public ResourceDefinition withShortNames(String... names) {
    return new ResourceDefinition(group, version, resource, singular, kind, namespaced, List.of(names),
        categories, subresources, type, storagePrefix, verbs);
  }

  public ResourceDefinition withCategories(String... newCategories) {
    return new ResourceDefinition(group, version, resource, singular, kind, namespaced, shortNames,
        List.of(newCategories), subresources, type, storagePrefix, verbs);
  }
}
