package io.quarkube.controllers.namespace;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkube.controllers.support.ApiErrors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link NamespaceContent} through the API: discovery ({@code /api/v1}, {@code /apis/<group>/<preferred version>})
 * gives every namespaced resource that can be listed and deleted; each is listed in the namespace and every object
 * deleted (upstream's {@code namespacedResourcesDeleter}, which uses deletecollection where it can).
 */
public final class DiscoveredContent implements NamespaceContent {
  private final KubernetesClient client;

  public DiscoveredContent(KubernetesClient client) {
    this.client = client;
  }

  /** A namespaced resource to empty. */
  record Kind(String group, String version, String plural, String kind) {
    String label() {
      return group.isEmpty() ? plural : plural + "." + group;
    }

    ResourceDefinitionContext context() {
      return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withPlural(plural)
          .withKind(kind).withNamespaced(true).build();
    }
  }

  /** Every namespaced resource with list and delete verbs, at each group's preferred version. */
  List<Kind> discover() {
    List<Kind> kinds = new ArrayList<>();
    addResources(kinds, "", "v1", client.getApiResources("v1"));
    for (APIGroup group : client.getApiGroups().getGroups()) {
      GroupVersionForDiscovery preferred = group.getPreferredVersion() != null ? group.getPreferredVersion()
          : group.getVersions().get(0);
      addResources(kinds, group.getName(), preferred.getVersion(), client.getApiResources(preferred.getGroupVersion()));
    }
    return kinds;
  }

  private static void addResources(List<Kind> kinds, String group, String version, APIResourceList list) {
    if (list == null) {
      return;
    }
    for (APIResource r : list.getResources()) {
      boolean namespaced = Boolean.TRUE.equals(r.getNamespaced());
      List<String> verbs = r.getVerbs() == null ? List.of() : r.getVerbs();
      if (namespaced && !r.getName().contains("/") && verbs.contains("list")
          && (verbs.contains("delete") || verbs.contains("deletecollection"))) {
        kinds.add(new Kind(group, version, r.getName(), r.getKind()));
      }
    }
  }

  @Override
  public Result deleteAll(String namespace) {
    List<Kind> kinds;
    try {
      kinds = discover();
    } catch (RuntimeException e) {
      return new Result(Map.of(), Map.of(), "discovery failed: " + e.getMessage(), List.of());
    }
    Map<String, Integer> remaining = new LinkedHashMap<>();
    Map<String, Integer> finalizers = new LinkedHashMap<>();
    List<String> failures = new ArrayList<>();
    for (Kind kind : kinds) {
      try {
        var resources = client.genericKubernetesResources(kind.context()).inNamespace(namespace);
        List<GenericKubernetesResource> items = resources.list().getItems();
        int left = 0;
        for (GenericKubernetesResource item : items) {
          if (item.getMetadata().getDeletionTimestamp() == null) {
            try {
              resources.withName(item.getMetadata().getName()).delete();
            } catch (KubernetesClientException e) {
              if (!ApiErrors.isNotFound(e)) {
                throw e;
              }
              continue;
            }
          }
          left++;
          if (item.getMetadata().getFinalizers() != null) {
            item.getMetadata().getFinalizers().forEach(f -> finalizers.merge(f, 1, Integer::sum));
          }
        }
        if (left > 0) {
          // Count again: most deletes take effect at once; what stays waits for finalizers or grace periods.
          int still = resources.list().getItems().size();
          if (still > 0) {
            remaining.put(kind.label(), still);
          }
        }
      } catch (KubernetesClientException e) {
        if (ApiErrors.code(e) != 404 && ApiErrors.code(e) != 405) {
          failures.add(kind.label() + ": " + e.getMessage());
        }
      }
    }
    return new Result(remaining, finalizers, null, failures);
  }

  @Override
  public void finalizeNamespace(Namespace namespace) {
    HttpClient http = client.getHttpClient();
    String url = client.getMasterUrl().toString().replaceAll("/+$", "") + "/api/v1/namespaces/"
        + namespace.getMetadata().getName() + "/finalize";
    HttpRequest request = http.newHttpRequestBuilder().uri(url)
        .put("application/json", Serialization.asJson(namespace)).build();
    try {
      HttpResponse<String> response = http.sendAsync(request, String.class).get(30, TimeUnit.SECONDS);
      if (response.code() == 404) {
        return; // already gone
      }
      if (!response.isSuccessful()) {
        throw new KubernetesClientException("finalize " + namespace.getMetadata().getName() + ": HTTP "
            + response.code() + " " + response.body(), response.code(), null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KubernetesClientException("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new KubernetesClientException("finalize " + namespace.getMetadata().getName() + ": " + e, e);
    }
  }
}
