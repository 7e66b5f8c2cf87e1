package io.quarkube.kubelet.server;

import io.fabric8.kubernetes.api.model.Pod;
import io.k8s.cri.runtime.v1.AttachRequest;
import io.k8s.cri.runtime.v1.ExecRequest;
import io.quarkube.kubelet.cri.CriClient;
import io.quarkube.kubelet.runtime.ContainerInfo;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code /exec/<ns>/<pod>/<container>?command=..&stdin&stdout&stderr&tty} and {@code /attach/...}: asks the runtime
 * for a streaming URL (CRI Exec/Attach), connects to it with SPDY, and then serves the client: a WebSocket
 * ({@code *.channel.k8s.io}, what kubectl 1.30+ speaks) is bridged to the SPDY streams; a SPDY client is passed
 * through byte for byte. Both the upstream query names (input/output/error) and the API ones (stdin/stdout/stderr)
 * are understood.
 *
 * <p>The request stays paused while a worker thread does the blocking part (CRI call, connecting to containerd), so
 * errors up to then are plain HTTP answers and the upgrade happens on the event loop afterwards.
 */
final class StreamHandler {
  /** The sub-protocol asked of containerd (1.6's streaming server knows up to v4). */
  static final String RUNTIME_PROTOCOL = "v4.channel.k8s.io";

  private final ContainerLocator locator;
  private final CriClient cri;
  private final StreamClients clients;
  private final Vertx vertx;

  StreamHandler(ContainerLocator locator, CriClient cri, StreamClients clients, Vertx vertx) {
    this.locator = locator;
    this.cri = cri;
    this.clients = clients;
    this.vertx = vertx;
  }

  /** What the worker thread prepared: a SPDY session for a WebSocket client, or a raw upstream for a SPDY one. */
  private record Prepared(ExecBridge bridge, SpdyConnection spdy, SpdyPassthrough.Upstream raw) {}

  void handle(RoutingContext rc, String verb) {
    rc.request().pause();
    vertx.executeBlocking(() -> prepare(rc, verb), false).onComplete(ar -> {
      if (ar.failed()) {
        StreamErrors.send(rc, ar.cause());
        return;
      }
      Prepared p = ar.result();
      if (p.raw() != null) {
        SpdyPassthrough.join(rc, p.raw());
        return;
      }
      rc.request().toWebSocket().onComplete(ws -> {
        if (ws.failed()) {
          p.spdy().close();
          StreamErrors.send(rc, ws.cause());
        } else {
          p.bridge().start(p.spdy(), ws.result());
        }
      });
    });
  }

  private Prepared prepare(RoutingContext rc, String verb) throws Exception {
    MultiMap q = rc.queryParams();
    boolean stdin = flag(q, "stdin", "input");
    boolean stdout = flag(q, "stdout", "output");
    boolean tty = flag(q, "tty", "tty");
    boolean wantsStderr = flag(q, "stderr", "error");
    // A terminal merges stderr into stdout (the runtime refuses both).
    boolean stderr = !tty && wantsStderr;
    List<String> command = q.getAll("command");
    if (!stdin && !stdout && !stderr) {
      throw Errors.badRequest("you must specify at least 1 of stdin, stdout, stderr");
    }
    if (verb.equals("exec") && command.isEmpty()) {
      throw Errors.badRequest("you must specify a command");
    }
    boolean webSocket = SpdyPassthrough.isWebSocket(rc.request());
    if (!webSocket && !SpdyPassthrough.isSpdyUpgrade(rc.request())) {
      throw Errors.badRequest("Upgrade request required");
    }
    Pod pod = locator.pod(rc.pathParam("namespace"), rc.pathParam("pod"));
    ContainerInfo container = locator.running(pod, rc.pathParam("container"));
    if (verb.equals("attach")) {
      tty = AttachTty.of(pod, rc.pathParam("container"));
      stderr = !tty && wantsStderr;
    }
    String url = verb.equals("exec")
        ? cri.runtime(Duration.ofSeconds(30)).exec(ExecRequest.newBuilder().setContainerId(container.id())
            .addAllCmd(command).setStdin(stdin).setStdout(stdout).setStderr(stderr).setTty(tty).build()).getUrl()
        : cri.runtime(Duration.ofSeconds(30)).attach(AttachRequest.newBuilder().setContainerId(container.id())
            .setStdin(stdin).setStdout(stdout).setStderr(stderr).setTty(tty).build()).getUrl();
    URI target = URI.create(url);
    if (!webSocket) {
      return new Prepared(null, null, SpdyPassthrough.connect(rc.request(), clients.group(), target));
    }
    ExecBridge bridge = new ExecBridge(stdin, stdout, stderr, tty);
    SpdyConnection spdy = SpdyConnection.connect(clients.group(), target, RUNTIME_PROTOCOL, bridge)
        .get(30, TimeUnit.SECONDS);
    return new Prepared(bridge, spdy, null);
  }

  private static boolean flag(MultiMap q, String name, String upstreamName) {
    for (String n : List.of(name, upstreamName)) {
      String v = q.get(n);
      if (v != null && (v.equals("1") || v.equalsIgnoreCase("true"))) {
        return true;
      }
    }
    return false;
  }
}
