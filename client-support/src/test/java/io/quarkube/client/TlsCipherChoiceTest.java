package io.quarkube.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.Security;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every client component runs with C1 only, where AES-GCM is plain Java and several times dearer than
 * ChaCha20-Poly1305: reading a kubeconfig through {@link KubeClients#config} must leave such a JVM offering no AES-GCM
 * suite, and a JVM with C2 as it was. Each case runs in a child JVM of its own (the JDK reads the setting once).
 */
class TlsCipherChoiceTest {
  /** Run in the child JVM: reads the kubeconfig of args[0], prints the suites a new TLS engine would offer. */
  public static void main(String[] args) throws Exception {
    KubeClients.config(Path.of(args[0]));
    SSLEngine engine = SSLContext.getDefault().createSSLEngine();
    engine.setUseClientMode(true);
    System.out.println("suites=" + String.join(",", engine.getEnabledCipherSuites()));
  }

  @Test
  void withoutC2AKubeconfigReadLeavesOnlyChaCha20ForTls13(@TempDir Path dir) throws Exception {
    String suites = childSuites(dir, "-XX:TieredStopAtLevel=1");
    // What the API server accepts (TLS 1.3, and ECDHE suites for 1.2): ChaCha20-Poly1305 only.
    for (String gcm : List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "ECDHE_ECDSA_WITH_AES_128_GCM",
        "ECDHE_ECDSA_WITH_AES_256_GCM", "ECDHE_RSA_WITH_AES_128_GCM", "ECDHE_RSA_WITH_AES_256_GCM")) {
      assertFalse(suites.contains(gcm), gcm + " in " + suites);
    }
    assertTrue(suites.startsWith("suites=TLS_CHACHA20_POLY1305_SHA256,"), suites);
  }

  @Test
  void withC2NothingChanges(@TempDir Path dir) throws Exception {
    String suites = childSuites(dir, "-XX:TieredStopAtLevel=4");
    assertTrue(suites.contains("TLS_AES_128_GCM_SHA256"), suites);
  }

  @Test
  void aSecondCallAddsNothing() {
    TlsCipherChoice.preferChaCha20WithoutC2();
    String once = Security.getProperty("jdk.tls.disabledAlgorithms");
    TlsCipherChoice.preferChaCha20WithoutC2();
    assertEquals(once, Security.getProperty("jdk.tls.disabledAlgorithms"));
  }

  private static String childSuites(Path dir, String compilerFlag) throws Exception {
    Path kubeconfig = KubeClientsTest.oneUserKubeconfig(dir.resolve("component.kubeconfig"), "token: abc");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(List.of(java, compilerFlag, "-cp", System.getProperty("java.class.path"),
        TlsCipherChoiceTest.class.getName(), kubeconfig.toString())).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), out);
    return out.lines().filter(l -> l.startsWith("suites=")).findFirst().orElseThrow(() -> new AssertionError(out));
  }
}
