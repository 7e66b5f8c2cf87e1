package io.quarkube.apiserver.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.proxy.KubeletClient;
import io.quarkube.apiserver.registry.ListOptions;
import io.quarkube.apiserver.registry.Registry;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The resource metrics API's source, as metrics-server scrapes it: each node's kubelet {@code /stats/summary} (CPU
 * rate and working-set memory of the node, its pods and their containers), asked of every node at once. A node whose
 * kubelet does not answer within a few seconds (simulated, down) is left out, as metrics-server leaves it out.
 */
@Singleton
public class KubeletSummaries {
  private static final Logger LOG = Logger.getLogger(KubeletSummaries.class);
  private static final long TIMEOUT_SECONDS = 5;
  /** The window a CPU rate covers (the kubelet's sampling period). */
  static final io.fabric8.kubernetes.api.model.Duration WINDOW =
      new io.fabric8.kubernetes.api.model.Duration(java.time.Duration.ofSeconds(10));

  private final Registry registry;
  private final KubeletClient kubelets;

  public KubeletSummaries(Registry registry, KubeletClient kubelets) {
    this.registry = registry;
    this.kubelets = kubelets;
  }

  /** The summaries of the named node, or of all nodes when {@code nodeName} is null, by node name. */
  Map<String, JsonNode> fetch(String nodeName) {
    List<String> names = new ArrayList<>();
    if (nodeName != null) {
      names.add(nodeName);
    } else {
      for (HasMetadata n : registry.store("", "v1", "nodes").orElseThrow()
          .list(null, ListOptions.all()).items()) {
        names.add(n.getMetadata().getName());
      }
    }
    Map<String, CompletableFuture<JsonNode>> pending = new LinkedHashMap<>();
    for (String name : names) {
      pending.put(name, summary(name));
    }
    Map<String, JsonNode> out = new LinkedHashMap<>();
    pending.forEach((name, f) -> {
      try {
        out.put(name, f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
      } catch (Exception e) {
        LOG.debugf("no stats from node %s: %s", name, e.getMessage());
      }
    });
    return out;
  }

  private CompletableFuture<JsonNode> summary(String node) {
    try {
      KubeletClient.Target target = kubelets.target(node);
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(target.host())
          .setPort(target.port()).setURI("/stats/summary?only_cpu_and_memory=true")
          .setTimeout(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
      return kubelets.http().request(options).compose(r -> r.send()).compose(r -> r.statusCode() == 200 ? r.body()
              : io.vertx.core.Future.failedFuture("kubelet answered " + r.statusCode()))
          .map(b -> Json.parse(b.getBytes())).toCompletionStage().toCompletableFuture();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** CPU in nanocores, as metrics-server writes it ({@code 123456n}). */
  static Quantity cpu(JsonNode stats) {
    return new Quantity(Long.toString(stats.path("cpu").path("usageNanoCores").asLong(0)), "n");
  }

  /** Working-set memory in KiB, as metrics-server writes it. */
  static Quantity memory(JsonNode stats) {
    long bytes = stats.path("memory").path("workingSetBytes").asLong(0);
    return new Quantity(new BigDecimal(bytes).divide(BigDecimal.valueOf(1024), 0, java.math.RoundingMode.HALF_UP)
        .toPlainString(), "Ki");
  }

  static String time(JsonNode stats) {
    String t = stats.path("cpu").path("time").asText("");
    return t.isEmpty() ? stats.path("memory").path("time").asText(null) : t;
  }
}
