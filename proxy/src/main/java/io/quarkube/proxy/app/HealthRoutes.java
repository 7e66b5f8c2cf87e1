package io.quarkube.proxy.app;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * {@code /healthz} as upstream kube-proxy serves it (JSON with {@code lastUpdated}; 200 while rules are being kept
 * up to date, 503 when the last successful sync is older than two sync periods, e.g. nft keeps failing), and
 * {@code /livez}, {@code /readyz} (ready once the caches synced and the first rules are in).
 */
@ApplicationScoped
public class HealthRoutes {
  @Inject
  ServiceProxy proxy;

  void install(@Observes Router router) {
    router.get("/healthz").handler(this::healthz);
    router.get("/livez").handler(rc -> rc.response().putHeader("Content-Type", "text/plain").end("ok"));
    router.get("/readyz").handler(this::readyz);
  }

  private void healthz(RoutingContext rc) {
    long last = proxy.lastSyncMillis();
    boolean fresh = proxy.synced()
        && System.currentTimeMillis() - last < 2 * proxy.syncPeriod().toMillis() + 5_000;
    rc.response().putHeader("Content-Type", "application/json").setStatusCode(fresh ? 200 : 503)
        .end("{\"lastUpdated\":\"" + java.time.Instant.ofEpochMilli(last) + "\",\"currentTime\":\""
            + java.time.Instant.now() + "\"" + (proxy.lastError() == null ? ""
            : ",\"lastError\":" + io.vertx.core.json.Json.encode(proxy.lastError())) + "}");
  }

  private void readyz(RoutingContext rc) {
    boolean ok = proxy.synced();
    rc.response().putHeader("Content-Type", "text/plain").setStatusCode(ok ? 200 : 500)
        .end(ok ? "ok" : "waiting for the first sync" + (proxy.lastError() == null ? "" : ": " + proxy.lastError()));
  }
}
