package io.quarkube.kubelet.server;

import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ExecutionException;
import org.jboss.logging.Logger;

/** Failures before a stream is upgraded, as HTTP answers with a Status. */
final class StreamErrors {
  private static final Logger LOG = Logger.getLogger(StreamErrors.class);

  private StreamErrors() {}

  static void send(RoutingContext rc, Throwable error) {
    Throwable cause = error instanceof ExecutionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof Errors.KubeletException e) {
      Errors.send(rc, e);
    } else if (cause instanceof UpgradeClient.UpgradeRefused refused) {
      int code = refused.answer.status() >= 400 ? refused.answer.status() : 500;
      Errors.send(rc, code, code == 400 ? "BadRequest" : "InternalError", refused.getMessage());
    } else {
      LOG.warnf("%s failed: %s", rc.request().path(), cause.toString());
      Errors.send(rc, 500, "InternalError", "error connecting to the container runtime's stream: " + cause);
    }
  }
}
