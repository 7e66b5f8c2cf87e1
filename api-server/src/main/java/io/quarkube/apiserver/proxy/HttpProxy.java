package io.quarkube.apiserver.proxy;

import io.quarkube.apiserver.errors.ApiException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plain HTTP proxying for the {@code proxy} subresources (upstream's proxy handler without upgrades): the client's
 * method, path below {@code .../proxy}, query, headers (minus its credentials and hop-by-hop headers) and body go to
 * the backend; the backend's status, headers and body stream back. Pods and services are reached over the node's
 * pod network with {@link #plain()} or {@link #tls()} (backends' certificates are not checked, as upstream); kubelets
 * with {@link KubeletClient}'s client certificate.
 */
@Singleton
public class HttpProxy {
  /** {@code .../<resource>/<name>/proxy[/<path>]} in the raw (still encoded) request path. */
  private static final Pattern PROXY_PATH = Pattern.compile("/(?:pods|services|nodes)/[^/]+/proxy(/.*)?$");
  private static final Set<String> DROPPED_REQUEST = Set.of("authorization", "host", "content-length",
      "connection", "keep-alive", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade",
      "impersonate-user", "impersonate-group", "impersonate-uid");
  private static final Set<String> DROPPED_RESPONSE = Set.of("content-length", "connection", "keep-alive",
      "transfer-encoding", "trailer", "upgrade");

  private final HttpClient plain;
  private final HttpClient tls;

  public HttpProxy(Vertx vertx) {
    this.plain = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(10_000).setMaxPoolSize(16));
    this.tls = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(10_000).setMaxPoolSize(16)
        .setSsl(true).setTrustAll(true).setVerifyHost(false));
  }

  HttpClient plain() {
    return plain;
  }

  HttpClient tls() {
    return tls;
  }

  /** The path the backend gets: what follows {@code /proxy} (at least "/"), with the query. */
  static String backendUri(RoutingContext ctx) {
    Matcher m = PROXY_PATH.matcher(ctx.request().path());
    String path = m.find() && m.group(1) != null ? m.group(1) : "/";
    String query = ctx.request().query();
    return query == null || query.isEmpty() ? path : path + "?" + query;
  }

  /** A {@code [scheme:]name[:port]} proxy name (upstream's SplitSchemeNamePort). */
  record SchemeNamePort(String scheme, String name, String port) {
    static SchemeNamePort parse(String id) {
      String[] parts = id.split(":", -1);
      return switch (parts.length) {
        case 1 -> new SchemeNamePort("", parts[0], "");
        case 2 -> new SchemeNamePort("", parts[0], parts[1]);
        case 3 -> new SchemeNamePort(parts[0], parts[1], parts[2]);
        default -> throw ApiException.badRequest("invalid proxy name \"" + id + "\"");
      };
    }
  }

  /** Sends the request to {@code host:port} with {@code client} and streams the answer back. */
  void forward(RoutingContext ctx, HttpClient client, String host, int port, String uri, String what) {
    RequestOptions options = new RequestOptions().setMethod(ctx.request().method()).setHost(host).setPort(port)
        .setURI(uri);
    for (Map.Entry<String, String> h : ctx.request().headers()) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (!DROPPED_REQUEST.contains(name) && !name.startsWith("impersonate-extra-")) {
        options.addHeader(h.getKey(), h.getValue());
      }
    }
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    HttpServerResponse response = ctx.response();
    try {
      // UpstreamExchange chains the pipe as the request is sent: set up later from this worker thread, a short
      // answer (a pod's small page) could already have ended ("Response already ended").
      UpstreamExchange.exchange(client.request(options), body, upstream -> {
        response.setStatusCode(upstream.statusCode());
        for (Map.Entry<String, String> h : upstream.headers()) {
          if (!DROPPED_RESPONSE.contains(h.getKey().toLowerCase(Locale.ROOT))) {
            response.headers().add(h.getKey(), h.getValue());
          }
        }
        response.setChunked(true);
        HttpConnection connection = upstream.request().connection();
        response.closeHandler(v -> connection.close());
        upstream.pipeTo(response);
        return true;
      }, 60);
    } catch (Exception e) {
      throw ApiException.of(503, "ServiceUnavailable", "error trying to reach " + what + ": " + e.getMessage());
    }
  }
}
