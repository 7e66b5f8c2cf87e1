package io.quarkube.kubelet.server;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vertx.ext.web.RoutingContext;

/** Errors of the kubelet API as metav1.Status JSON, which the API server passes on to the client unchanged. */
final class Errors {
  private Errors() {}

  /** Thrown by handlers; the status code and reason become the answer. */
  static final class KubeletException extends RuntimeException {
    final int code;
    final String reason;

    KubeletException(int code, String reason, String message) {
      super(message);
      this.code = code;
      this.reason = reason;
    }
  }

  static KubeletException badRequest(String message) {
    return new KubeletException(400, "BadRequest", message);
  }

  static KubeletException notFound(String message) {
    return new KubeletException(404, "NotFound", message);
  }

  static KubeletException internal(String message) {
    return new KubeletException(500, "InternalError", message);
  }

  static Status status(int code, String reason, String message) {
    return new StatusBuilder().withNewMetadata().endMetadata().withStatus("Failure").withCode(code)
        .withReason(reason).withMessage(message).build();
  }

  static void send(RoutingContext rc, int code, String reason, String message) {
    if (rc.response().headWritten() || rc.response().ended()) {
      rc.response().reset();
      return;
    }
    rc.response().setStatusCode(code).putHeader("Content-Type", "application/json")
        .end(Serialization.asJson(status(code, reason, message)));
  }

  static void send(RoutingContext rc, KubeletException e) {
    send(rc, e.code, e.reason, e.getMessage());
  }
}
