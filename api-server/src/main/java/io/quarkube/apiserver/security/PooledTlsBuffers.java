package io.quarkube.apiserver.security;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;
import jakarta.inject.Singleton;

/**
 * TLS records are encrypted into pooled buffers. With the JDK's TLS engine Vert.x otherwise gives every connection an
 * allocator whose heap buffers are unpooled, and Netty's TLS handler takes a fresh one (the record's ~16 KiB) for each
 * flush it encrypts: a watch event fanned out to 1,000 watchers made 1,000 of them, ~17 MB of garbage per event, and
 * the young collections that followed landed in the middle of the fan-outs. Vert.x recommends the pooled ones; Quarkus
 * leaves its default.
 */
@Singleton
public class PooledTlsBuffers implements HttpServerOptionsCustomizer {
  @Override
  public void customizeHttpsServer(HttpServerOptions options) {
    SSLEngineOptions engine = options.getSslEngineOptions();
    if (engine == null) {
      options.setSslEngineOptions(new JdkSSLEngineOptions().setPooledHeapBuffers(true));
    } else if (engine instanceof JdkSSLEngineOptions jdk) {
      options.setSslEngineOptions(new JdkSSLEngineOptions(jdk).setPooledHeapBuffers(true));
    }
  }
}
