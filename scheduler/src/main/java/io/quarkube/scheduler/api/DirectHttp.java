package io.quarkube.scheduler.api;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.internal.SSLUtils;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.spi.tls.SslContextFactory;
import java.net.URL;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;

/**
 * The scheduler's writes straight over Vert.x's HTTP client: keep-alive HTTP/1.1 connections to the API server (or,
 * with {@code -Dquarkube.scheduler.write-protocol=h2}, a few HTTP/2 ones: not the default yet, a freshly elected
 * leader's first binding stalled past 30 s in 2 of 4 e2e runs of LeaderElectionTest with it) with the kubeconfig's certificates. Fabric8's client puts each request through its builder, URI parsing,
 * interceptors, retry wrapper and body handlers before Vert.x sees it (about as much CPU as the request itself);
 * a binding or an event needs none of that. Only for client-certificate authentication (the kubeconfigs the launcher
 * writes): tokens, passwords, auth providers and proxies keep Fabric8's path, which refreshes and applies them.
 */
final class DirectHttp implements ApiWriter.Transport {
  static final int H2_CONNECTIONS = 4;

  private final HttpClient http;
  private final String host;
  private final int port;
  private final String pathPrefix;

  private DirectHttp(HttpClient http, String host, int port, String pathPrefix) {
    this.http = http;
    this.host = host;
    this.port = port;
    this.pathPrefix = pathPrefix;
  }

  /** A direct transport for this client configuration, or empty when it needs Fabric8's handling. */
  static Optional<DirectHttp> of(Vertx vertx, Config config, int maxConnections) throws Exception {
    URL url = new URL(config.getMasterUrl());
    if (!"https".equals(url.getProtocol()) || !certificateAuthOnly(config)) {
      return Optional.empty();
    }
    SSLContext ssl = SSLUtils.sslContext(config);
    boolean h2 = "h2".equals(System.getProperty("quarkube.scheduler.write-protocol", "http/1.1"));
    HttpClientOptions options = new HttpClientOptions()
        .setProtocolVersion(h2 ? HttpVersion.HTTP_2 : HttpVersion.HTTP_1_1)
        .setUseAlpn(h2)
        // HTTP/2: the writes multiplexed on a few connections (a TLS handshake per connection, not per concurrent
        // request: a client-certificate handshake costs ~8 ms of CPU without C2). A few rather than one so that the
        // API server, which serves each connection on one event loop, spreads them over its cores. HTTP/1.1 if the
        // server does not offer h2.
        .setHttp2MaxPoolSize(H2_CONNECTIONS)
        .setHttp2MultiplexingLimit(Math.max(1, (maxConnections + H2_CONNECTIONS - 1) / H2_CONNECTIONS))
        .setKeepAlive(true)
        .setMaxPoolSize(maxConnections)
        .setSsl(true)
        .setVerifyHost(!config.isTrustCerts())
        .setTrustAll(config.isTrustCerts())
        .setConnectTimeout(10_000)
        .setSslEngineOptions(new KubeconfigTls(ssl));
    int port = url.getPort() > 0 ? url.getPort() : 443;
    String prefix = url.getPath().endsWith("/") ? url.getPath().substring(0, url.getPath().length() - 1)
        : url.getPath();
    return Optional.of(new DirectHttp(vertx.createHttpClient(options), url.getHost(), port, prefix));
  }

  static boolean certificateAuthOnly(Config c) {
    boolean cert = c.getClientCertData() != null || c.getClientCertFile() != null;
    boolean other = c.getOauthToken() != null || c.getAutoOAuthToken() != null || c.getOauthTokenProvider() != null
        || c.getUsername() != null || c.getPassword() != null || c.getAuthProvider() != null
        || c.getHttpsProxy() != null || c.getHttpProxy() != null;
    return cert && !other;
  }

  @Override
  public CompletableFuture<ApiWriter.Response> call(String method, String path, String contentType, String body) {
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.valueOf(method)).setHost(host).setPort(port)
        .setURI(pathPrefix + path).setTimeout(30_000)
        .putHeader(HttpHeaders.ACCEPT, ApiWriter.JSON);
    Buffer payload = null;
    if (body != null) {
      o.putHeader(HttpHeaders.CONTENT_TYPE, contentType);
      payload = Buffer.buffer(body);
    }
    Buffer send = payload;
    return http.request(o)
        .compose(req -> send == null ? req.send() : req.send(send))
        .compose(resp -> resp.body().map(b -> new ApiWriter.Response(resp.statusCode(),
            b.length() == 0 ? null : b.getBytes())))
        .toCompletionStage().toCompletableFuture();
  }

  @Override
  public void close() {
    http.close();
  }

  /** The SSLContext Fabric8 builds from the kubeconfig (CA, client certificate and key), as Vert.x's TLS. */
  private static final class KubeconfigTls extends JdkSSLEngineOptions {
    private final SSLContext ssl;

    KubeconfigTls(SSLContext ssl) {
      this.ssl = ssl;
    }

    @Override
    public SslContextFactory sslContextFactory() {
      return new SslContextFactory() {
        private boolean alpn;
        private List<String> protocols = List.of();

        @Override
        public SslContextFactory useAlpn(boolean useAlpn) {
          alpn = useAlpn;
          return this;
        }

        @Override
        public SslContextFactory applicationProtocols(List<String> applicationProtocols) {
          protocols = applicationProtocols == null ? List.of() : applicationProtocols;
          return this;
        }

        @Override
        public SslContext create() {
          ApplicationProtocolConfig apn = alpn && !protocols.isEmpty()
              ? new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                  ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                  ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, protocols)
              : ApplicationProtocolConfig.DISABLED;
          return new JdkSslContext(ssl, true, null, IdentityCipherSuiteFilter.INSTANCE, apn, ClientAuth.NONE, null,
              false);
        }
      };
    }

    @Override
    public JdkSSLEngineOptions copy() {
      return new KubeconfigTls(ssl);
    }
  }
}
