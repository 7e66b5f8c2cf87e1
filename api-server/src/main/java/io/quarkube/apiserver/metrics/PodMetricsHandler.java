package io.quarkube.apiserver.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.ContainerMetricsBuilder;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetrics;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetricsBuilder;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetricsListBuilder;
import io.quarkube.apiserver.auth.UserInfo;
import io.quarkube.apiserver.endpoints.ExtensionHandler;
import io.quarkube.apiserver.endpoints.RequestInfo;
import io.quarkube.apiserver.endpoints.Responses;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.registry.Registry;
import io.quarkube.apiserver.resource.ResourceDefinition;
import io.quarkube.apiserver.selection.LabelSelector;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code metrics.k8s.io/v1beta1} PodMetrics ({@code kubectl top pod}): the pods of the kubelets' summaries, with
 * their labels from the pod objects so label selectors work as with metrics-server.
 */
@Singleton
public class PodMetricsHandler implements ExtensionHandler {
  private final KubeletSummaries summaries;
  private final Registry registry;
  private final Responses responses;

  public PodMetricsHandler(KubeletSummaries summaries, Registry registry, Responses responses) {
    this.summaries = summaries;
    this.registry = registry;
    this.responses = responses;
  }

  @Override
  public String key() {
    return "metrics.k8s.io/pods";
  }

  @Override
  public void handle(RoutingContext ctx, ResourceDefinition def, RequestInfo info, UserInfo user) {
    if (!"get".equals(info.verb()) && !"list".equals(info.verb())) {
      throw ApiException.methodNotSupported("metrics.k8s.io", "pods", info.verb());
    }
    LabelSelector selector = LabelSelector.parse(ctx.queryParams().get("labelSelector"));
    List<PodMetrics> items = new ArrayList<>();
    for (JsonNode summary : summaries.fetch(null).values()) {
      for (JsonNode pod : summary.path("pods")) {
        String ns = pod.path("podRef").path("namespace").asText();
        String name = pod.path("podRef").path("name").asText();
        if (info.namespace() != null && !info.namespace().equals(ns)
            || info.name() != null && !info.name().equals(name)) {
          continue;
        }
        Map<String, String> labels = registry.store("", "v1", "pods").orElseThrow().find(ns, name)
            .map(HasMetadata::getMetadata).map(m -> Objects.requireNonNullElse(m.getLabels(), Map.<String, String>of()))
            .orElse(null);
        if (labels == null || selector != null && !selector.matches(labels)) {
          continue; // gone since the kubelet's report, or not selected
        }
        items.add(metrics(ns, name, labels, pod));
      }
    }
    if (info.name() != null) {
      if (items.isEmpty()) {
        throw ApiException.notFound("metrics.k8s.io", "pods", info.name());
      }
      responses.object(ctx, 200, Json.tree(items.get(0)), null);
      return;
    }
    responses.object(ctx, 200, Json.tree(new PodMetricsListBuilder().withMetadata(new io.fabric8.kubernetes.api.model.ListMeta())
        .withItems(items).build()), null);
  }

  private static PodMetrics metrics(String ns, String name, Map<String, String> labels, JsonNode pod) {
    String time = KubeletSummaries.time(pod);
    PodMetricsBuilder b = new PodMetricsBuilder().withNewMetadata().withName(name).withNamespace(ns)
        .withLabels(labels).withCreationTimestamp(time).endMetadata().withTimestamp(time).withWindow(KubeletSummaries.WINDOW);
    for (JsonNode c : pod.path("containers")) {
      b.addToContainers(new ContainerMetricsBuilder().withName(c.path("name").asText())
          .addToUsage("cpu", KubeletSummaries.cpu(c)).addToUsage("memory", KubeletSummaries.memory(c)).build());
    }
    return b.build();
  }
}
