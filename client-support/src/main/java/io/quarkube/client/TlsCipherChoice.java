package io.quarkube.client;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.security.Security;
import org.jboss.logging.Logger;

/**
 * Picks the TLS cipher that is cheapest for this JVM. AES-GCM is fast only through the intrinsics (AES-NI, carry-less
 * multiply) that the C2 compiler emits; the launcher runs the client components (scheduler, controllers, kubelet,
 * proxy) with C1 only ({@code -XX:TieredStopAtLevel=1}), where AES-GCM runs as plain Java: ~45 µs per KiB on this
 * machine's cores against ~10 µs for ChaCha20-Poly1305 (and ~4 µs for AES-GCM under C2). Every pod costs each of them
 * several KiB of TLS records (watch events; the scheduler's binding and events), so without C2 the AES-GCM suites are
 * taken out of this process's choice and the handshake settles on ChaCha20-Poly1305, which the API server offers too
 * (its cipher list is upstream's secure default set). With C2 nothing changes. {@link KubeClients#config} applies it,
 * so it is in place before a component's first connection to the API server.
 */
public final class TlsCipherChoice {
  private static final Logger LOG = Logger.getLogger(TlsCipherChoice.class);
  /**
   * Taken out without C2: the AES-GCM suites of TLS 1.3 and 1.2, and the CBC and RSA-key-exchange suites that Netty
   * puts on its default list too (the API server refuses those anyway). With none of Netty's default suites left,
   * Netty falls back to the JDK's enabled list, which starts with TLS_CHACHA20_POLY1305_SHA256 (Netty's own TLS 1.3
   * list has no ChaCha20). The e2e tests fail at the first handshake if this ever stops working.
   */
  static final String NOT_WITHOUT_C2 = "TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, "
      + "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, "
      + "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, "
      + "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA, TLS_RSA_WITH_AES_128_GCM_SHA256, "
      + "TLS_RSA_WITH_AES_128_CBC_SHA, TLS_RSA_WITH_AES_256_CBC_SHA";

  private static boolean applied;

  private TlsCipherChoice() {}

  /** Must run before the first TLS connection: the JDK reads the property once. Later calls do nothing. */
  public static synchronized void preferChaCha20WithoutC2() {
    if (applied) {
      return;
    }
    applied = true;
    if (!Boolean.parseBoolean(System.getProperty("quarkube.tls.prefer-chacha20-without-c2", "true"))
        || hasC2()) {
      return;
    }
    String disabled = Security.getProperty("jdk.tls.disabledAlgorithms");
    Security.setProperty("jdk.tls.disabledAlgorithms",
        disabled == null || disabled.isBlank() ? NOT_WITHOUT_C2 : disabled + ", " + NOT_WITHOUT_C2);
    LOG.debug("no C2 compiler: TLS uses ChaCha20-Poly1305 instead of AES-GCM");
  }

  /** Whether C2 compiles hot code (tiered up to level 4, or C2 alone). */
  static boolean hasC2() {
    try {
      HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      if (!Boolean.parseBoolean(vm.getVMOption("UseCompiler").getValue())) {
        return false;
      }
      boolean tiered = Boolean.parseBoolean(vm.getVMOption("TieredCompilation").getValue());
      return !tiered || Integer.parseInt(vm.getVMOption("TieredStopAtLevel").getValue()) >= 4;
    } catch (RuntimeException | LinkageError e) {
      return true; // not HotSpot, or the options are unknown: leave the JDK's choice alone
    }
  }
}
