package io.quarkube.apiserver.endpoints;

import io.vertx.ext.web.RoutingContext;

/**
 * The end of a request upgraded to a WebSocket (watch, exec, attach, port-forward, logs), which the routing context's
 * end handlers do not see: the metrics count the request as long-running until the socket closes. Whichever comes
 * first, the metrics registering what to do at the end or the socket closing, the action runs once.
 */
public final class RequestEnd {
  private static final String KEY = "quarkube.requestEnd";

  private Runnable action;
  private boolean ended;

  private RequestEnd() {}

  /** The request's holder, made on first use (by the worker recording metrics or the event loop closing). */
  static RequestEnd of(RoutingContext ctx) {
    synchronized (ctx) {
      RequestEnd end = ctx.get(KEY);
      if (end == null) {
        end = new RequestEnd();
        ctx.put(KEY, end);
      }
      return end;
    }
  }

  /** {@code onClose}, then the end of the request for the metrics: what an upgraded socket runs when it closes. */
  public static Runnable onClose(RoutingContext ctx, Runnable onClose) {
    return () -> {
      onClose.run();
      of(ctx).end();
    };
  }

  synchronized void onEnd(Runnable r) {
    if (ended) {
      r.run();
    } else {
      action = r;
    }
  }

  synchronized void end() {
    if (!ended) {
      ended = true;
      if (action != null) {
        action.run();
      }
    }
  }
}
