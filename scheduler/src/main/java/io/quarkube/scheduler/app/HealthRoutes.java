package io.quarkube.scheduler.app;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * {@code /healthz}, {@code /livez}: the process serves. {@code /readyz}: the informers have synced (a standby
 * instance is ready too: it only waits for the lease). {@code ?verbose} lists the checks, as upstream.
 */
@ApplicationScoped
public class HealthRoutes {
  private final SchedulerApp app;

  public HealthRoutes(SchedulerApp app) {
    this.app = app;
  }

  void onRouter(@Observes Router router) {
    install(router);
  }

  /** Adds the routes to {@code router}: the process's own HTTP server, or one the control plane opens for them. */
  public void install(Router router) {
    router.get("/healthz").handler(ctx -> check(ctx, true));
    router.get("/livez").handler(ctx -> check(ctx, true));
    router.get("/readyz").handler(ctx -> check(ctx, app.informersSynced()));
  }

  private void check(RoutingContext ctx, boolean ok) {
    boolean verbose = ctx.queryParams().contains("verbose");
    String leader = app.isLeader() ? "leader" : "standby";
    if (!ok) {
      ctx.response().setStatusCode(500).putHeader("Content-Type", "text/plain; charset=utf-8")
          .end("[+]ping ok\n[-]informer-sync failed: caches not synced yet\nreadyz check failed\n");
      return;
    }
    ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8")
        .end(verbose ? "[+]ping ok\n[+]informer-sync ok\n[+]leaderElection ok (" + leader + ")\ncheck passed\n"
            : "ok");
  }
}
