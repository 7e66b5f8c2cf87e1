package io.quarkube.controllers.manager;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * {@code /healthz}, {@code /livez}, {@code /readyz} as upstream components serve them: {@code ok} (200) or the failing
 * check (500); {@code ?verbose} lists the checks. A standby (not leading) is healthy and ready.
 */
@ApplicationScoped
public class HealthRoutes {
  private final ControllerManager manager;

  public HealthRoutes(ControllerManager manager) {
    this.manager = manager;
  }

  void onRouter(@Observes Router router) {
    install(router);
  }

  /** Adds the routes to {@code router}: the process's own HTTP server, or one the control plane opens for them. */
  public void install(Router router) {
    router.get("/healthz").handler(this::health);
    router.get("/livez").handler(this::health);
    router.get("/readyz").handler(this::ready);
  }

  private void health(RoutingContext rc) {
    answer(rc, manager.started(), "[+]ping ok\n[+]leaderElection ok (leading: " + manager.isLeading() + ", leader: "
        + manager.leader() + ")\n");
  }

  private void ready(RoutingContext rc) {
    var unsynced = manager.isLeading() ? manager.unsynced() : java.util.List.<String>of();
    answer(rc, manager.started(), "[+]ping ok\n[+]informer-sync " + (unsynced.isEmpty() ? "ok"
        : "waiting for " + String.join(", ", unsynced)) + "\n");
  }

  private static void answer(RoutingContext rc, boolean ok, String verbose) {
    rc.response().putHeader("Content-Type", "text/plain; charset=utf-8").setStatusCode(ok ? 200 : 500);
    if (rc.queryParams().contains("verbose")) {
      rc.response().end(verbose + (ok ? "healthz check passed\n" : "healthz check failed\n"));
    } else {
      rc.response().end(ok ? "ok" : "not started");
    }
  }
}
