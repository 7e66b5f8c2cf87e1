package io.quarkube.apiserver.health;

import io.quarkube.apiserver.bootstrap.RbacBootstrap;
import io.quarkube.apiserver.bootstrap.SystemNamespaces;
import io.quarkube.apiserver.crd.CustomResourceDefinitions;
import io.quarkube.apiserver.endpoints.ApiRoutes;
import io.quarkube.apiserver.security.SecurityChain;
import io.quarkube.apiserver.storage.Storage;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /livez}, {@code /readyz}, {@code /healthz} (open to everyone, as upstream's system:public-info-viewer allows;
 * a single check such as {@code /readyz/etcd} to system:monitoring) and {@code /version}. Ready means etcd answers,
 * the system namespaces and the default RBAC policy exist, and the authorizer's and CRD caches hold their first list.
 */
@ApplicationScoped
public class HealthRoutes {
  /** What kubectl's dispatcher reads to pick its binary; 1.32 is the version whose wire behaviour we match. */
  static final String VERSION_JSON = """
      {
        "major": "1",
        "minor": "32",
        "gitVersion": "v1.32.0-quarkube",
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean",
        "buildDate": "2026-11-25T00:00:00Z",
        "goVersion": "java17",
        "compiler": "javac",
        "platform": "linux/amd64"
      }""";

  /** Upstream's {@code --etcd-healthcheck-timeout} default. */
  private static final java.time.Duration ETCD_CHECK_TIMEOUT = java.time.Duration.ofSeconds(2);

  private final ReadinessChecks live;
  private final ReadinessChecks ready;
  private final ApiRoutes api;
  private volatile boolean shuttingDown;

  public HealthRoutes(Storage storage, SystemNamespaces bootstrap, CustomResourceDefinitions crds,
      RbacBootstrap rbac, SecurityChain security, ApiRoutes api,
      io.quarkube.apiserver.bootstrap.FlowControlBootstrap flowControl,
      io.quarkube.apiserver.flowcontrol.FlowClassifier classifier) {
    this.api = api;
    // Upstream's names and order; a request that arrives before the default roles and the authorizer's caches are
    // in would be refused (fail closed), so the server is not ready until then. /livez and /healthz have the checks
    // every endpoint has; /readyz adds etcd-readiness, informer-sync and shutdown, as upstream's.
    ReadinessChecks.Check etcd = new ReadinessChecks.Check("etcd", () -> {
      storage.checkHealthy(ETCD_CHECK_TIMEOUT);
      return null;
    });
    List<ReadinessChecks.Check> hooks = List.of(
        new ReadinessChecks.Check("poststarthook/system-namespaces", () -> bootstrap.done() ? null : "not finished"),
        new ReadinessChecks.Check("poststarthook/rbac/bootstrap-roles", () -> rbac.done() ? null : "not finished"),
        new ReadinessChecks.Check("poststarthook/scheduling/bootstrap-system-priority-classes",
            () -> rbac.done() ? null : "not finished"),
        new ReadinessChecks.Check("poststarthook/crd-informer-synced", () -> crds.synced() ? null : "not finished"),
        new ReadinessChecks.Check("poststarthook/priority-and-fairness-config-consumer",
            () -> classifier.synced() ? null : "not finished"),
        new ReadinessChecks.Check("poststarthook/priority-and-fairness-config-producer",
            () -> flowControl.done() ? null : "not finished"));
    List<ReadinessChecks.Check> common = List.of(new ReadinessChecks.Check("ping", () -> null),
        new ReadinessChecks.Check("log", () -> null), etcd);
    List<ReadinessChecks.Check> liveChecks = new ArrayList<>(common);
    liveChecks.addAll(hooks);
    List<ReadinessChecks.Check> readyChecks = new ArrayList<>(common);
    readyChecks.add(new ReadinessChecks.Check("etcd-readiness", etcd.failure()));
    readyChecks.add(new ReadinessChecks.Check("informer-sync", () -> security.cachesSynced() ? null : "not finished"));
    readyChecks.addAll(hooks);
    readyChecks.add(new ReadinessChecks.Check("shutdown", () -> shuttingDown ? "process is shutting down" : null));
    this.live = new ReadinessChecks(liveChecks);
    this.ready = new ReadinessChecks(readyChecks);
  }

  void install(@Observes Router router) {
    for (String endpoint : List.of("livez", "healthz", "readyz")) {
      ReadinessChecks checks = endpoint.equals("readyz") ? ready : live;
      router.get("/" + endpoint).blockingHandler(ctx -> probe(ctx, endpoint, checks), false);
      // One check by name (its name may hold slashes: poststarthook/rbac/bootstrap-roles); unknown names are 404.
      // Not public: upstream's system:public-info-viewer names the endpoints alone, system:monitoring the checks.
      router.get("/" + endpoint + "/*").blockingHandler(
          ctx -> api.serveAuthenticated(ctx, () -> single(ctx, endpoint, checks)), false);
    }
    router.get("/version").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
        .end(VERSION_JSON));
  }

  /** From the start of the shutdown on, /readyz fails (load balancers stop sending), as upstream's. */
  void stopping(@Observes ShutdownEvent event) {
    shuttingDown = true;
  }

  private void probe(RoutingContext ctx, String endpoint, ReadinessChecks checks) {
    ReadinessChecks.Result r = checks.run(endpoint, ctx.queryParams().contains("verbose"),
        ctx.queryParams().getAll("exclude"));
    send(ctx, r);
  }

  private void single(RoutingContext ctx, String endpoint, ReadinessChecks checks) {
    String name = ctx.normalizedPath().substring(endpoint.length() + 2);
    ReadinessChecks.Result r = checks.single(name);
    if (r == null) {
      ctx.next(); // the server's 404 for paths it does not serve
      return;
    }
    send(ctx, r);
  }

  private static void send(RoutingContext ctx, ReadinessChecks.Result r) {
    ctx.response().setStatusCode(r.code()).putHeader("Content-Type", "text/plain; charset=utf-8")
        .putHeader("X-Content-Type-Options", "nosniff").end(r.body());
  }
}
