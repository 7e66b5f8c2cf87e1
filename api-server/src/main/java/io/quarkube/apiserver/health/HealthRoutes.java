package io.quarkube.apiserver.health;

import io.quarkube.apiserver.bootstrap.RbacBootstrap;
import io.quarkube.apiserver.bootstrap.SystemNamespaces;
import io.quarkube.apiserver.crd.CustomResourceDefinitions;
import io.quarkube.apiserver.security.SecurityChain;
import io.quarkube.apiserver.storage.Storage;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;

/**
 * {@code /livez}, {@code /readyz}, {@code /healthz} (open to everyone, as upstream's system:public-info-viewer allows)
 * and {@code /version}. Ready means etcd answers, the system namespaces and the default RBAC policy exist, and the
 * authorizer's and CRD caches hold their first list.
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

  private final ReadinessChecks checks;

  public HealthRoutes(Storage storage, SystemNamespaces bootstrap, CustomResourceDefinitions crds,
      RbacBootstrap rbac, SecurityChain security) {
    // Upstream's names; a request that arrives before the default roles and the authorizer's caches are in would
    // be refused (fail closed), so the server is not ready until then.
    this.checks = new ReadinessChecks(List.of(
        new ReadinessChecks.Check("ping", () -> null),
        new ReadinessChecks.Check("etcd", () -> {
          storage.checkHealthy(ETCD_CHECK_TIMEOUT);
          return null;
        }),
        new ReadinessChecks.Check("informer-sync", () -> security.cachesSynced() ? null : "not finished"),
        new ReadinessChecks.Check("poststarthook/system-namespaces", () -> bootstrap.done() ? null : "not finished"),
        new ReadinessChecks.Check("poststarthook/rbac/bootstrap-roles", () -> rbac.done() ? null : "not finished"),
        new ReadinessChecks.Check("poststarthook/scheduling/bootstrap-system-priority-classes",
            () -> rbac.done() ? null : "not finished"),
        new ReadinessChecks.Check("poststarthook/crd-informer-synced", () -> crds.synced() ? null : "not finished")));
  }

  void install(@Observes Router router) {
    router.get("/livez").handler(ctx -> ok(ctx, "ok"));
    router.get("/healthz").blockingHandler(ctx -> probe(ctx, "healthz"), false);
    router.get("/readyz").blockingHandler(ctx -> probe(ctx, "readyz"), false);
    router.get("/version").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
        .end(VERSION_JSON));
  }

  private void probe(RoutingContext ctx, String endpoint) {
    ReadinessChecks.Result r = checks.run(endpoint, ctx.queryParams().contains("verbose"));
    ctx.response().setStatusCode(r.code()).putHeader("Content-Type", "text/plain; charset=utf-8")
        .putHeader("X-Content-Type-Options", "nosniff").end(r.body());
  }

  private static void ok(RoutingContext ctx, String body) {
    ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8").end(body);
  }
}
