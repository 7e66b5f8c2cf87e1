package io.quarkube.controlplane;

import io.quarkube.controllers.manager.ControllerManager;
import io.quarkube.scheduler.app.SchedulerApp;
import io.quarkus.micrometer.runtime.export.handlers.PrometheusHandler;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The scheduler and the controller manager inside the API server's process, as k3s and k0s run their control plane:
 * each still reaches the cluster only through the API server over HTTPS with its own kubeconfig and identity
 * ({@code -Dquarkube.scheduler.kubeconfig}, {@code -Dquarkube.controllers.kubeconfig}), and each still serves its
 * {@code /healthz}, {@code /livez}, {@code /readyz} and {@code /metrics} on a loopback port of its own (10259 and
 * 10257 as upstream), as it does when it runs alone. What they share is one JVM: one heap, one copy of the classes
 * (Quarkus, Vert.x, Netty, the Fabric8 model) and one JIT — about 190 MiB less resident memory than three processes.
 *
 * <p>On the way out they stop first, while the API server still serves: their Leases are released by a request to
 * it, so a standby elsewhere takes over at once. Quarkus' pre-shutdown phase ({@code quarkus.shutdown.delay-enabled})
 * runs before the HTTP server refuses new requests; its ShutdownEvent would come too late.
 */
@ApplicationScoped
public class ComponentEndpoints {
  private static final Logger LOG = Logger.getLogger(ComponentEndpoints.class);

  @ConfigProperty(name = "quarkube.scheduler.health-port", defaultValue = "10259")
  int schedulerPort;

  @ConfigProperty(name = "quarkube.controllers.health-port", defaultValue = "10257")
  int controllersPort;

  @ConfigProperty(name = "quarkube.component-health.host", defaultValue = "127.0.0.1")
  String host;

  private final Vertx vertx;
  private final SchedulerApp scheduler;
  private final ControllerManager controllers;
  private final List<HttpServer> servers = new ArrayList<>();

  public ComponentEndpoints(Vertx vertx, SchedulerApp scheduler, ControllerManager controllers) {
    this.vertx = vertx;
    this.scheduler = scheduler;
    this.controllers = controllers;
  }

  void onStart(@Observes StartupEvent event) {
    Router schedulerRoutes = Router.router(vertx);
    new io.quarkube.scheduler.app.HealthRoutes(scheduler).install(schedulerRoutes);
    serve("scheduler", schedulerRoutes, schedulerPort);
    Router controllerRoutes = Router.router(vertx);
    new io.quarkube.controllers.manager.HealthRoutes(controllers).install(controllerRoutes);
    serve("controller manager", controllerRoutes, controllersPort);
  }

  /** Listens on {@code port} with the component's health routes and the process's metrics. */
  private void serve(String component, Router router, int port) {
    // One registry for the process: the scheduler's and the controllers' meters are in it, with the API server's;
    // Quarkus' own handler, so the text is what a process of their own serves.
    router.get("/metrics").handler(new PrometheusHandler(false, Optional.empty()));
    try {
      HttpServer server = vertx.createHttpServer().requestHandler(router).listen(port, host)
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      servers.add(server);
      LOG.infof("%s: /healthz, /livez, /readyz, /metrics on http://%s:%d", component, host, server.actualPort());
    } catch (Exception e) {
      throw new IllegalStateException("the " + component + " cannot listen on " + host + ":" + port + ": "
          + e.getMessage(), e);
    }
  }

  void beforeTheServerStops(@Observes ShutdownDelayInitiatedEvent event) {
    scheduler.stop();
    controllers.stop();
    servers.forEach(HttpServer::close);
  }
}
