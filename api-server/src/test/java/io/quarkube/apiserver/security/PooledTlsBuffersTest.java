package io.quarkube.apiserver.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import org.junit.jupiter.api.Test;

class PooledTlsBuffersTest {
  @Test
  void theJdkEngineEncryptsIntoPooledBuffers() {
    HttpServerOptions defaults = new HttpServerOptions();
    new PooledTlsBuffers().customizeHttpsServer(defaults);
    assertTrue(((JdkSSLEngineOptions) defaults.getSslEngineOptions()).isPooledHeapBuffers());

    JdkSSLEngineOptions configured = new JdkSSLEngineOptions().setUseWorkerThread(true);
    HttpServerOptions jdk = new HttpServerOptions().setSslEngineOptions(configured);
    new PooledTlsBuffers().customizeHttpsServer(jdk);
    JdkSSLEngineOptions result = (JdkSSLEngineOptions) jdk.getSslEngineOptions();
    assertTrue(result.isPooledHeapBuffers());
    assertTrue(result.getUseWorkerThread(), "the engine's other settings are kept");
    assertFalse(configured.isPooledHeapBuffers(), "Quarkus' options object is not changed under it");
  }

  @Test
  void openSslIsLeftAlone() {
    HttpServerOptions openSsl = new HttpServerOptions().setSslEngineOptions(new OpenSSLEngineOptions());
    new PooledTlsBuffers().customizeHttpsServer(openSsl);
    assertTrue(openSsl.getSslEngineOptions() instanceof OpenSSLEngineOptions);
  }
}
