package io.quarkube.apiserver.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.NodeMetrics;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.NodeMetricsBuilder;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.NodeMetricsListBuilder;
import io.quarkube.apiserver.auth.UserInfo;
import io.quarkube.apiserver.endpoints.ExtensionHandler;
import io.quarkube.apiserver.endpoints.RequestInfo;
import io.quarkube.apiserver.endpoints.Responses;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.resource.ResourceDefinition;
import io.quarkube.apiserver.selection.LabelSelector;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code metrics.k8s.io/v1beta1} NodeMetrics ({@code kubectl top node}), read from the kubelets' summaries. */
@Singleton
public class NodeMetricsHandler implements ExtensionHandler {
  private final KubeletSummaries summaries;
  private final Responses responses;

  public NodeMetricsHandler(KubeletSummaries summaries, Responses responses) {
    this.summaries = summaries;
    this.responses = responses;
  }

  @Override
  public String key() {
    return "metrics.k8s.io/nodes";
  }

  @Override
  public void handle(RoutingContext ctx, ResourceDefinition def, RequestInfo info, UserInfo user) {
    switch (info.verb()) {
      case "get" -> {
        Map<String, JsonNode> stats = summaries.fetch(info.name());
        JsonNode s = stats.get(info.name());
        if (s == null) {
          throw ApiException.notFound("metrics.k8s.io", "nodes", info.name());
        }
        responses.object(ctx, 200, Json.tree(metrics(info.name(), s.path("node"))), null);
      }
      case "list" -> {
        LabelSelector selector = LabelSelector.parse(ctx.queryParams().get("labelSelector"));
        List<NodeMetrics> items = new ArrayList<>();
        summaries.fetch(null).forEach((name, s) -> items.add(metrics(name, s.path("node"))));
        items.removeIf(m -> selector != null && !selector.matches(java.util.Objects.requireNonNullElse(
            m.getMetadata().getLabels(), Map.of())));
        responses.object(ctx, 200, Json.tree(new NodeMetricsListBuilder().withMetadata(new io.fabric8.kubernetes.api.model.ListMeta())
            .withItems(items).build()), null);
      }
      default -> throw ApiException.methodNotSupported("metrics.k8s.io", "nodes", info.verb());
    }
  }

  private static NodeMetrics metrics(String name, JsonNode node) {
    String time = KubeletSummaries.time(node);
    return new NodeMetricsBuilder().withNewMetadata().withName(name).withCreationTimestamp(time).endMetadata()
        .withTimestamp(time).withWindow(KubeletSummaries.WINDOW)
        .addToUsage("cpu", KubeletSummaries.cpu(node)).addToUsage("memory", KubeletSummaries.memory(node)).build();
  }
}
