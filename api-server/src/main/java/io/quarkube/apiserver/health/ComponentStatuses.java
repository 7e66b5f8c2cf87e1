package io.quarkube.apiserver.health;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ComponentCondition;
import io.fabric8.kubernetes.api.model.ComponentStatus;
import io.quarkube.apiserver.auth.UserInfo;
import io.quarkube.apiserver.endpoints.ExtensionHandler;
import io.quarkube.apiserver.endpoints.MediaTypes;
import io.quarkube.apiserver.endpoints.RequestInfo;
import io.quarkube.apiserver.endpoints.Responses;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.resource.ResourceDefinition;
import io.quarkube.apiserver.selection.FieldSelector;
import io.quarkube.apiserver.selection.LabelSelector;
import io.quarkube.apiserver.storage.Storage;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * core/v1 {@code componentstatuses} ({@code kubectl get cs}), as upstream's deprecated {@code componentstatus.REST}:
 * never stored, each GET probes the components again — the scheduler's and the controller manager's {@code /healthz}
 * (their health ports, {@code quarkube.scheduler.health-port} and {@code quarkube.controllers.health-port}, on
 * {@code quarkube.component-health.host}) and etcd through this server's own client. Only get and list are served;
 * every answer carries upstream's deprecation warning.
 */
@Singleton
public class ComponentStatuses implements ExtensionHandler {
  static final String DEPRECATION = "299 - \"v1 ComponentStatus is deprecated in v1.19+\"";
  /** Upstream's probeTimeOut is 20 s; the loopback components answer at once or not at all. */
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

  /** One component: its name and how its health is checked. */
  record Component(String name, Supplier<ComponentCondition> check) {}

  private final List<Component> components;
  private final Responses responses;

  @jakarta.inject.Inject
  public ComponentStatuses(Storage storage, Responses responses) {
    this(components(storage), responses);
  }

  ComponentStatuses(List<Component> components, Responses responses) {
    this.components = components;
    this.responses = responses;
  }

  private static List<Component> components(Storage storage) {
    var config = ConfigProvider.getConfig();
    String host = config.getOptionalValue("quarkube.component-health.host", String.class).orElse("127.0.0.1");
    HttpClient http = HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NORMAL).build();
    return List.of(
        new Component("scheduler", () -> httpCheck(http, host,
            config.getOptionalValue("quarkube.scheduler.health-port", Integer.class), 10259, "scheduler")),
        new Component("controller-manager", () -> httpCheck(http, host,
            config.getOptionalValue("quarkube.controllers.health-port", Integer.class), 10257, "controllers")),
        new Component("etcd-0", () -> etcdCheck(storage)));
  }

  @Override
  public String key() {
    return "/componentstatuses";
  }

  @Override
  public void handle(RoutingContext ctx, ResourceDefinition def, RequestInfo info, UserInfo user) {
    // Upstream's deprecation filter sits in front of every handler of the resource.
    ctx.response().headers().add("Warning", DEPRECATION);
    if (info.namespace() != null || info.subresource() != null) {
      throw ApiException.notFoundPath(ctx.request().path());
    }
    switch (info.verb()) {
      case "get" -> {
        Component c = components.stream().filter(x -> x.name().equals(info.name())).findFirst()
            // upstream answers a plain error here, which its handler turns into a 500 without a reason
            .orElseThrow(() -> ApiException.of(500, null, "Component not found: " + info.name()));
        responses.object(ctx, 200, status(c.name(), c.check().get()), def);
      }
      case "list" -> list(ctx, def);
      // upstream installs no other route for the resource: its router's 405
      default -> throw ApiException.of(405, "MethodNotAllowed",
          "the server does not allow this method on the requested resource");
    }
  }

  private void list(RoutingContext ctx, ResourceDefinition def) {
    LabelSelector labels = LabelSelector.parse(ctx.queryParams().get("labelSelector"));
    FieldSelector fields = FieldSelector.parse(ctx.queryParams().get("fieldSelector"), Set.of("metadata.name"),
        "ComponentStatus");
    List<CompletableFuture<ComponentStatus>> probes = new ArrayList<>();
    for (Component c : components) {
      // In parallel, as upstream: a component that does not answer costs the list one timeout, not three.
      probes.add(CompletableFuture.supplyAsync(() -> status(c.name(), c.check().get())));
    }
    List<ComponentStatus> items = new ArrayList<>();
    for (CompletableFuture<ComponentStatus> p : probes) {
      ComponentStatus s = p.join();
      if ((labels == null || labels.matches(Map.of()))
          && fields.matches(Map.of("metadata.name", s.getMetadata().getName()))) {
        items.add(s);
      }
    }
    if (MediaTypes.output(ctx.request().getHeader("Accept")) == MediaTypes.Output.TABLE) {
      List<ObjectNode> trees = items.stream().map(Json::tree).toList();
      responses.tableList(ctx, def, trees, new io.quarkube.apiserver.registry.ListPage<>(List.of(), 0, null, null));
      return;
    }
    ObjectNode list = Json.MAPPER.createObjectNode();
    list.put("kind", "ComponentStatusList");
    list.put("apiVersion", "v1");
    list.putObject("metadata");
    ArrayNode array = list.putArray("items");
    items.forEach(i -> array.add(Json.tree(i)));
    responses.object(ctx, 200, list, def);
  }

  static ComponentStatus status(String name, ComponentCondition condition) {
    ComponentStatus s = new ComponentStatus();
    s.setApiVersion("v1");
    s.setKind("ComponentStatus");
    s.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).build());
    s.setConditions(List.of(condition));
    return s;
  }

  static ComponentCondition condition(String status, String message, String error) {
    ComponentCondition c = new ComponentCondition();
    c.setType("Healthy");
    c.setStatus(status);
    c.setMessage(message == null || message.isEmpty() ? null : message);
    c.setError(error == null || error.isEmpty() ? null : error);
    return c;
  }

  /**
   * Upstream's HTTP prober: 2xx/3xx is healthy with the body as the message; anything else, or no answer, unhealthy
   * with Go's error text as the message (the prober turns transport errors into failures, not errors).
   */
  static ComponentCondition httpCheck(HttpClient http, String host, Optional<Integer> port, int upstreamPort,
      String property) {
    if (port.isEmpty()) {
      String url = "https://" + host + ":" + upstreamPort + "/healthz";
      return condition("False", "Get \"" + url + "\": no health port for this component is configured in this "
          + "API server (quarkube." + property + ".health-port)", null);
    }
    String hostPort = host + ":" + port.get();
    String url = "http://" + hostPort + "/healthz";
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(PROBE_TIMEOUT).GET()
          .build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 200 && r.statusCode() < 400) {
        return condition("True", r.body(), null);
      }
      return condition("False", "HTTP probe failed with statuscode: " + r.statusCode(), null);
    } catch (HttpTimeoutException e) {
      return condition("False", "Get \"" + url + "\": context deadline exceeded (Client.Timeout exceeded while "
          + "awaiting headers)", null);
    } catch (ConnectException e) {
      return condition("False", "Get \"" + url + "\": dial tcp " + hostPort + ": connect: connection refused", null);
    } catch (java.io.IOException e) {
      return condition("False", "Get \"" + url + "\": " + e.getMessage(), null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return condition("Unknown", null, "interrupted");
    }
  }

  /** Upstream's EtcdServer check: a request through the storage client; "ok" or the error. */
  static ComponentCondition etcdCheck(Storage storage) {
    try {
      storage.checkHealthy(PROBE_TIMEOUT);
      return condition("True", "ok", null);
    } catch (RuntimeException e) {
      return condition("False", null, e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }

  /** For tests: the names served, in the order lists give them. */
  List<String> names() {
    List<String> out = new ArrayList<>();
    components.forEach(c -> out.add(c.name()));
    return out;
  }
}
