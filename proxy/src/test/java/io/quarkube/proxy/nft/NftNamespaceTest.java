package io.quarkube.proxy.nft;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quarkube.proxy.rules.Endpoint;
import io.quarkube.proxy.rules.LocalRedirect;
import io.quarkube.proxy.rules.RuleGenerator;
import io.quarkube.proxy.rules.RuleOptions;
import io.quarkube.proxy.rules.ServicePort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generated scripts against the real nft, in a network namespace this test creates (never the host's ruleset):
 * the kernel accepts them, an update replaces the table atomically, and the cleanup leaves nothing.
 */
class NftNamespaceTest {
  private static final String NS = "qkbp-" + UUID.randomUUID().toString().substring(0, 8);
  private static Nft nft;

  @BeforeAll
  static void namespace() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/sbin/nft")) || Files.isExecutable(Path.of("/sbin/nft")),
        "nft is not installed");
    Process p = new ProcessBuilder("ip", "netns", "add", NS).redirectErrorStream(true).start();
    assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "cannot create a network namespace (root?)");
    nft = new Nft(List.of("ip", "netns", "exec", NS, "nft"));
  }

  @AfterAll
  static void removeNamespace() throws Exception {
    new ProcessBuilder("ip", "netns", "del", NS).start().waitFor(10, TimeUnit.SECONDS);
  }

  private static ServicePort web(List<Endpoint> eps) {
    return new ServicePort("default", "web", "http", "tcp", List.of("10.96.0.20"), 80, 30080, List.of("192.0.2.50"),
        List.of(), 0, eps);
  }

  @Test
  void generatedTablesApplyReplaceAndGo() {
    RuleOptions options = new RuleOptions("quarkube-proxy-test", Optional.of("10.88.0.0/16"), Optional.of("qkb-x"));
    List<LocalRedirect> dns = List.of(new LocalRedirect("10.96.0.10", "udp", 53, 10053),
        new LocalRedirect("10.96.0.10", "tcp", 53, 10053));
    var sticky = new ServicePort("default", "sticky", "", "tcp", List.of("10.96.0.21"), 80, 0, List.of(), List.of(),
        600, List.of(Endpoint.ready("10.88.0.5", 8080)));
    var empty = new ServicePort("default", "empty", "", "udp", List.of("10.96.0.22"), 53, 30053, List.of(), List.of(),
        0, List.of());
    nft.apply(RuleGenerator.generate(List.of(web(List.of(Endpoint.ready("10.88.0.5", 8080),
        Endpoint.ready("10.88.0.6", 8080))), sticky, empty), dns, options).script());
    String listed = nft.listTable("quarkube-proxy-test");
    assertNotNull(listed);
    assertTrue(listed.contains("dnat to 10.88.0.6:8080"), listed);
    assertTrue(listed.contains("10.96.0.22 . udp . 53 : goto reject-chain"), listed);
    assertTrue(listed.contains("redirect to :10053"), listed);

    // One endpoint fewer: the whole table is replaced in one transaction.
    nft.apply(RuleGenerator.generate(List.of(web(List.of(Endpoint.ready("10.88.0.5", 8080)))), dns, options).script());
    listed = nft.listTable("quarkube-proxy-test");
    assertFalse(listed.contains("10.88.0.6"), listed);
    assertFalse(listed.contains("sticky"), listed);

    // A broken script changes nothing (nft applies all or nothing).
    String before = nft.listTable("quarkube-proxy-test");
    try {
      nft.apply(RuleGenerator.deleteTable("quarkube-proxy-test") + "table ip quarkube-proxy-test { chain c { bogus } }\n");
    } catch (Nft.NftException expected) {
      // expected
    }
    assertTrue(before.equals(nft.listTable("quarkube-proxy-test")));

    nft.apply(RuleGenerator.deleteTable("quarkube-proxy-test"));
    assertNull(nft.listTable("quarkube-proxy-test"));
    nft.apply(RuleGenerator.deleteTable("quarkube-proxy-test")); // and again: harmless when gone
  }
}
