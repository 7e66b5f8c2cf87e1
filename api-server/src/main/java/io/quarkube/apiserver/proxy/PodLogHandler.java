package io.quarkube.apiserver.proxy;

import io.fabric8.kubernetes.api.model.Pod;
import io.quarkube.apiserver.auth.UserInfo;
import io.quarkube.apiserver.endpoints.ExtensionHandler;
import io.quarkube.apiserver.endpoints.RequestInfo;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.registry.Registry;
import io.quarkube.apiserver.resource.ResourceDefinition;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET pods/<name>/log}: finds the pod's node and streams the container's log from that node's kubelet
 * ({@code /containerLogs/<ns>/<pod>/<container>}), passing the PodLogOptions on. The answer is plain text, chunked,
 * and stays open with {@code follow=true} until the container stops or the client leaves (which closes the
 * connection to the kubelet too). A client that asks to upgrade gets the same stream over a WebSocket
 * ({@link LogWebSocket}).
 */
@Singleton
public class PodLogHandler implements ExtensionHandler {
  /** PodLogOptions the kubelet understands. */
  private static final List<String> OPTIONS = List.of("follow", "previous", "tailLines", "timestamps", "limitBytes",
      "sinceSeconds", "sinceTime");

  private final Registry registry;
  private final KubeletClient kubelets;

  public PodLogHandler(Registry registry, KubeletClient kubelets) {
    this.registry = registry;
    this.kubelets = kubelets;
  }

  @Override
  public String key() {
    return "/pods/log";
  }

  @Override
  public void handle(RoutingContext ctx, ResourceDefinition definition, RequestInfo info, UserInfo user) {
    if (!"get".equals(info.verb())) {
      throw ApiException.methodNotSupported("", "pods/log", info.verb());
    }
    MultiMap q = ctx.queryParams();
    Pod pod = PodContainers.pod(registry, info);
    String container = PodContainers.container(pod, q.get("container"));
    String node = PodContainers.node(pod, container);
    KubeletClient.Target target = kubelets.target(node);
    StringBuilder uri = new StringBuilder("/containerLogs/").append(PodContainers.encode(info.namespace()))
        .append('/').append(PodContainers.encode(info.name())).append('/').append(PodContainers.encode(container));
    char sep = '?';
    for (String name : OPTIONS) {
      String v = q.get(name);
      if (v != null && !v.isEmpty()) {
        uri.append(sep).append(name).append('=').append(PodContainers.encode(v));
        sep = '&';
      }
    }
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(target.host())
        .setPort(target.port()).setURI(uri.toString());
    HttpServerResponse response = ctx.response();
    boolean webSocket = LogWebSocket.wanted(ctx);
    Optional<HttpClientResponse> refused;
    try {
      refused = UpstreamExchange.exchange(kubelets.http().request(options), null, upstream -> {
        if (upstream.statusCode() != 200) {
          return false;
        }
        if (webSocket) {
          LogWebSocket.stream(ctx, upstream);
          return true;
        }
        response.setChunked(true).putHeader("Content-Type", "text/plain");
        HttpConnection connection = upstream.request().connection();
        response.closeHandler(v -> connection.close());
        upstream.pipeTo(response);
        return true;
      }, 30);
    } catch (Exception e) {
      throw KubeletErrors.unreachable(node, target, e);
    }
    if (refused.isPresent()) {
      KubeletErrors.forward(ctx, refused.get());
    }
  }
}
