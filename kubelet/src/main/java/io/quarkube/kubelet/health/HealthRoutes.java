package io.quarkube.kubelet.health;

import io.quarkube.kubelet.Kubelet;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * {@code /healthz}, {@code /livez}, {@code /readyz} on the kubelet's local health port (upstream's 10248): ok (200)
 * once the kubelet started and its last relist reached the runtime; {@code ?verbose} lists the checks.
 */
@ApplicationScoped
public class HealthRoutes {
  @Inject
  Kubelet kubelet;

  void install(@Observes Router router) {
    router.get("/healthz").handler(rc -> answer(rc, kubelet.started() && kubelet.runtimeHealthy()));
    router.get("/livez").handler(rc -> answer(rc, kubelet.started()));
    router.get("/readyz").handler(rc -> answer(rc, kubelet.started() && kubelet.runtimeHealthy()
        && kubelet.podsSynced()));
  }

  private void answer(RoutingContext rc, boolean ok) {
    rc.response().putHeader("Content-Type", "text/plain; charset=utf-8").setStatusCode(ok ? 200 : 500);
    if (rc.queryParams().contains("verbose")) {
      rc.response().end("[+]ping ok\n"
          + (kubelet.started() ? "[+]" : "[-]") + "started\n"
          + (kubelet.runtimeHealthy() ? "[+]" : "[-]") + "runtime (CRI relist)\n"
          + (kubelet.podsSynced() ? "[+]" : "[-]") + "pod informer synced\n"
          + (kubelet.leaseOk() ? "[+]" : "[-]") + "node lease\n"
          + (ok ? "healthz check passed\n" : "healthz check failed\n"));
    } else {
      rc.response().end(ok ? "ok" : "not ready");
    }
  }
}
