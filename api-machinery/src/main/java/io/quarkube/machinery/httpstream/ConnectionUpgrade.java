package io.quarkube.machinery.httpstream;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.NetSocket;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * Takes over the connection of an HTTP/1.1 request that asks for an upgrade ({@code Connection: Upgrade}), whatever
 * its method: answers {@code 101 Switching Protocols} with the response's headers and hands back the raw socket.
 *
 * <p>SPDY clients upgrade with POST: kubectl up to 1.29 for exec, attach and port-forward, client-go's SPDY executor
 * to this day, and the API server when it passes their streams on to a kubelet; upstream's httpstream accepts any
 * method. Vert.x 4.5's {@link HttpServerRequest#toNetSocket()} accepts only CONNECT and GET upgrades, and the method
 * is all it checks it for (besides choosing 200 for CONNECT): so for another method the response's own
 * (package-private) {@code netSocket(method, headers)} is called with GET. Without this, every POST upgrade failed
 * and the client waited for an answer that never came.
 */
public final class ConnectionUpgrade {
  private static final MethodHandle HTTP1_NET_SOCKET = http1NetSocket();

  private ConnectionUpgrade() {}

  /** The raw socket of {@code request}'s connection, after a 101 answer (call on the request's event loop). */
  @SuppressWarnings("unchecked")
  public static Future<NetSocket> toNetSocket(HttpServerRequest request) {
    if (request.method() == HttpMethod.GET || request.method() == HttpMethod.CONNECT || HTTP1_NET_SOCKET == null) {
      return request.toNetSocket();
    }
    HttpServerResponse response = unwrapped(request.response());
    if (response == null) {
      return request.toNetSocket();
    }
    // A request paused while its handler prepared the other side keeps its connection from reading, and the socket
    // made from that connection would never see the client's bytes: reading starts again first. Nothing comes
    // before the 101, which is written right below, on this event loop, before the connection becomes the socket.
    request.resume();
    try {
      return (Future<NetSocket>) HTTP1_NET_SOCKET.invoke(response, HttpMethod.GET, request.headers());
    } catch (Throwable t) {
      return Future.failedFuture(t);
    }
  }

  /**
   * The HTTP/1.x response under the wrappers a framework may put around it (Quarkus wraps every response to learn
   * when it ends; its own {@code toNetSocket} goes to the request underneath, past the wrapper, as this does), or
   * null.
   */
  private static HttpServerResponse unwrapped(HttpServerResponse response) {
    Class<?> http1 = HTTP1_NET_SOCKET.type().parameterType(0);
    HttpServerResponse r = response;
    for (int depth = 0; r != null && depth < 4; depth++) {
      if (http1.isInstance(r)) {
        return r;
      }
      Field delegate = DELEGATE.get(r.getClass());
      if (delegate == null) {
        return null;
      }
      try {
        r = (HttpServerResponse) delegate.get(r);
      } catch (IllegalAccessException e) {
        return null;
      }
    }
    return null;
  }

  /** A wrapper's {@code delegate} field (the convention of Vert.x's and Quarkus' wrappers), or null. */
  private static final ClassValue<Field> DELEGATE = new ClassValue<>() {
    @Override
    protected Field computeValue(Class<?> type) {
      for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
        try {
          Field f = c.getDeclaredField("delegate");
          if (HttpServerResponse.class.isAssignableFrom(f.getType())) {
            f.setAccessible(true);
            return f;
          }
        } catch (NoSuchFieldException | RuntimeException e) {
          // look further up
        }
      }
      return null;
    }
  };

  private static MethodHandle http1NetSocket() {
    try {
      Class<?> type = Class.forName("io.vertx.core.http.impl.Http1xServerResponse", false,
          HttpServerResponse.class.getClassLoader());
      Method m = type.getDeclaredMethod("netSocket", HttpMethod.class, MultiMap.class);
      m.setAccessible(true);
      return MethodHandles.lookup().unreflect(m);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null; // another Vert.x: only what toNetSocket itself allows
    }
  }
}
