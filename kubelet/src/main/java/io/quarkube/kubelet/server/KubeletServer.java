package io.quarkube.kubelet.server;

import io.quarkube.kubelet.Kubelet;
import io.quarkube.kubelet.config.KubeletConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.Router;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The kubelet's HTTPS API (upstream's port 10250): container logs, exec, attach and port-forward for the API server,
 * plus {@code /healthz}, {@code /pods} and {@code /stats/summary}. Every request needs a client certificate signed by the
 * cluster CA or a bearer token the API server accepts, and the API server's permission for what it asks
 * ({@link KubeletAuth}: TokenReview, SubjectAccessReview on {@code nodes/proxy}, {@code nodes/stats}, ...).
 *
 * <p>It is a Vert.x server of its own rather than Quarkus' HTTP server, which serves health and metrics over plain
 * HTTP on loopback (upstream's 10248).
 */
@ApplicationScoped
public class KubeletServer {
  private static final Logger LOG = Logger.getLogger(KubeletServer.class);

  /** What clients may ask for in Sec-WebSocket-Protocol, most preferred first. */
  static final List<String> WEBSOCKET_PROTOCOLS = List.of(
      ChannelProtocol.V5, ChannelProtocol.V4, ChannelProtocol.V3, ChannelProtocol.V2, ChannelProtocol.V1,
      ChannelProtocol.BASE64_V1, ChannelProtocol.V4_BASE64,
      PortForwardHandler.WEBSOCKET_PROTOCOL);

  @Inject
  Vertx vertx;

  @Inject
  Kubelet kubelet;

  @Inject
  KubeletConfig config;

  /** The cluster's PKI folder (the launcher passes it); the defaults of the three files below live there. */
  @ConfigProperty(name = "quarkube.pki-dir", defaultValue = ".quarkube/pki")
  String pkiDir;

  /** The serving certificate (the launcher's kubelet-serving, for the node's IPs and name). */
  @ConfigProperty(name = "quarkube.kubelet-server.cert-file")
  Optional<String> certFile;

  @ConfigProperty(name = "quarkube.kubelet-server.key-file")
  Optional<String> keyFile;

  /** CA that client certificates must chain to (the cluster CA). */
  @ConfigProperty(name = "quarkube.kubelet-server.client-ca-file")
  Optional<String> clientCaFile;

  @ConfigProperty(name = "quarkube.kubelet-server.address", defaultValue = "0.0.0.0")
  String address;

  private HttpServer server;
  private StreamClients streams;

  /**
   * After the kubelet's own start, which observes with the default priority (APPLICATION + 500): this server needs
   * its CRI client and pod informer.
   */
  void onStart(@Observes @Priority(3000) StartupEvent event) {
    if (Boolean.getBoolean("quarkube.kubelet.disabled") || !kubelet.started()) {
      return;
    }
    String certFile = this.certFile.orElse(pkiDir + "/kubelet-serving.crt");
    String keyFile = this.keyFile.orElse(pkiDir + "/kubelet-serving.key");
    String clientCaFile = this.clientCaFile.orElse(pkiDir + "/ca.crt");
    for (String f : List.of(certFile, keyFile, clientCaFile)) {
      if (!Files.isReadable(Path.of(f))) {
        LOG.warnf("kubelet API not served: %s is missing (./quarkube up makes it)", f);
        return;
      }
    }
    streams = new StreamClients();
    ContainerLocator locator = new ContainerLocator(kubelet);
    Router router = Router.router(vertx);
    KubeletAuth auth = new KubeletAuth(kubelet.client(), kubelet.nodeName(), vertx, java.time.Clock.systemUTC());
    router.route().handler(auth::handle);
    router.get("/healthz").handler(rc -> rc.response().putHeader("Content-Type", "text/plain").end("ok"));
    router.get("/pods").blockingHandler(rc -> PodsHandler.handle(rc, kubelet), false);
    router.get("/stats/summary").blockingHandler(new StatsHandler(kubelet, kubelet.nodeStats()), false);
    router.get("/containerLogs/:namespace/:pod/:container")
        .blockingHandler(new ContainerLogsHandler(locator, kubelet.cri()), false);
    StreamHandler exec = new StreamHandler(locator, kubelet.cri(), streams, vertx);
    for (String verb : List.of("exec", "attach")) {
      router.route("/" + verb + "/:namespace/:pod/:container").handler(rc -> exec.handle(rc, verb));
    }
    router.route("/portForward/:namespace/:pod")
        .handler(new PortForwardHandler(locator, kubelet.cri(), streams, vertx));
    router.route().last().handler(rc -> Errors.send(rc, 404, "NotFound", "the server could not find the requested "
        + "resource: " + rc.request().path()));

    HttpServerOptions options = new HttpServerOptions()
        .setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(certFile).setKeyPath(keyFile))
        .setTrustOptions(new PemTrustOptions().addCertPath(clientCaFile))
        // REQUEST, not REQUIRED: callers may authenticate with a bearer token instead (KubeletAuth).
        .setClientAuth(ClientAuth.REQUEST)
        .setWebSocketSubProtocols(WEBSOCKET_PROTOCOLS)
        .setMaxWebSocketFrameSize(1 << 20)
        .setMaxWebSocketMessageSize(16 << 20)
        .setHost(address)
        .setPort(config.port());
    try {
      server = vertx.createHttpServer(options).requestHandler(router).listen()
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      LOG.infof("kubelet API on https://%s:%d (client certificates from %s)", address, server.actualPort(),
          clientCaFile);
    } catch (Exception e) {
      LOG.errorf(e, "kubelet API could not listen on %s:%d", address, config.port());
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    if (server != null) {
      server.close();
    }
    if (streams != null) {
      streams.close();
    }
  }

  /** The bound port (for tests that listen on port 0). */
  public int port() {
    return server == null ? -1 : server.actualPort();
  }
}
