package io.quarkube.apiserver.health;

import io.quarkube.apiserver.bootstrap.SystemNamespaces;
import io.quarkube.apiserver.crd.CustomResourceDefinitions;
import io.quarkube.apiserver.storage.Storage;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * {@code /livez}, {@code /readyz}, {@code /healthz} (open to everyone, as upstream's system:public-info-viewer allows)
 * and {@code /version}. Ready means etcd answers and the system namespaces exist.
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

  private final Storage storage;
  private final SystemNamespaces bootstrap;
  private final CustomResourceDefinitions crds;

  public HealthRoutes(Storage storage, SystemNamespaces bootstrap, CustomResourceDefinitions crds) {
    this.storage = storage;
    this.bootstrap = bootstrap;
    this.crds = crds;
  }

  void install(@Observes Router router) {
    router.get("/livez").handler(ctx -> ok(ctx, "ok"));
    router.get("/healthz").blockingHandler(this::readiness, false);
    router.get("/readyz").blockingHandler(this::readiness, false);
    router.get("/version").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
        .end(VERSION_JSON));
  }

  private void readiness(RoutingContext ctx) {
    String failure = null;
    try {
      storage.currentRevision();
    } catch (RuntimeException e) {
      failure = "[-]etcd failed: " + e.getMessage();
    }
    if (failure == null && !bootstrap.done()) {
      failure = "[-]poststarthook/system-namespaces failed: not finished";
    }
    if (failure == null && !crds.synced()) {
      failure = "[-]poststarthook/crd-informer-synced failed: not finished";
    }
    if (failure != null) {
      ctx.response().setStatusCode(500).putHeader("Content-Type", "text/plain; charset=utf-8")
          .end(failure + "\nreadyz check failed\n");
      return;
    }
    if (ctx.queryParams().contains("verbose")) {
      ok(ctx, "[+]ping ok\n[+]etcd ok\n[+]poststarthook/system-namespaces ok\n"
          + "[+]poststarthook/crd-informer-synced ok\nreadyz check passed");
    } else {
      ok(ctx, "ok");
    }
  }

  private static void ok(RoutingContext ctx, String body) {
    ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8").end(body);
  }
}
