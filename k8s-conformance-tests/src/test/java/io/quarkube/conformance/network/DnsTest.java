package io.quarkube.conformance.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream's DNS conformance tests (test/e2e/network/dns.go) with busybox instead of jessie-dnsutils. Upstream's
 * prober pod loops over {@code dig +notcp +search NAME TYPE} and {@code dig +tcp +search NAME TYPE} (and
 * {@code getent hosts NAME} for /etc/hosts) until every probe has an answer; here the prober does the same with
 * busybox: {@code nslookup} over UDP, a hand-made DNS query through {@code nc} over TCP, the resolv.conf search
 * list applied as dig's {@code +search} does (busybox' nslookup only searches dot-less names), and /etc/hosts read
 * the way {@code getent hosts} reads it. The prober prints PASS once every probe passed, else the failing ones.
 * Where upstream's tests share a pod shape, one prober pod carries the probes of several of them.
 */
@ExtendWith(TestNamespace.class)
class DnsTest {
  private static final Duration PROBES = Duration.ofSeconds(120);

  /**
   * Shell functions of the prober: {@code udp TYPE NAME}, {@code tcp TYPE NAME} (TYPE: a, srv, ptr, cname), each
   * true when an answer of that type comes back, and {@code hosts NAME}, true when /etc/hosts has an entry for NAME.
   */
  private static final String PROBE_FUNCTIONS = """
      server=$(sed -n 's/^nameserver //p' /etc/resolv.conf | head -n 1)
      ndots=$(sed -n 's/^options.*ndots:\\([0-9]*\\).*/\\1/p' /etc/resolv.conf); [ -n "$ndots" ] || ndots=1
      # The names dig +search asks in turn: the search list first when NAME has fewer dots than ndots.
      candidates() {
        case "$1" in *.) echo "$1"; return;; esac
        dots=$(echo "$1" | tr -cd . | wc -c)
        domains=$(sed -n 's/^search //p' /etc/resolv.conf)
        if [ "$dots" -lt "$ndots" ]; then for d in $domains; do echo "$1.$d"; done; echo "$1"
        else echo "$1"; for d in $domains; do echo "$1.$d"; done; fi
      }
      code() { case "$1" in a) echo 1;; cname) echo 5;; ptr) echo 12;; srv) echo 33;; esac; }
      udp() {
        for c in $(candidates "$2"); do
          out=$(nslookup -type="$1" "$c" "$server" 2>&1)
          case "$1" in
            a) echo "$out" | grep -q '^Address: ' && return 0;;
            srv) echo "$out" | grep -q 'service = ' && return 0;;
            ptr) echo "$out" | grep -q 'name = ' && return 0;;
            cname) echo "$out" | grep -q 'canonical name = ' && return 0;;
          esac
        done
        return 1
      }
      # One query over TCP (RFC 1035 4.2.2: two length bytes, then the message): true when the answer has
      # RCODE 0 and at least one answer record.
      tcpquery() {
        qlen=17; for l in $(echo "$1" | tr . ' '); do qlen=$((qlen + ${#l} + 1)); done
        # the length, then the header: ID 0x1234, RD, one question
        { printf "\\\\000\\\\$(printf %03o $qlen)\\\\022\\\\064\\\\001\\\\000"
          printf "\\\\000\\\\001\\\\000\\\\000\\\\000\\\\000\\\\000\\\\000"
          for l in $(echo "$1" | tr . ' '); do printf "\\\\$(printf %03o ${#l})%s" "$l"; done
          printf "\\\\000\\\\000\\\\$(printf %03o $2)\\\\000\\\\001"; } |
          nc -w 3 "$server" 53 | od -An -tu1 -v > /tmp/answer
        set -- $(cat /tmp/answer)
        [ $# -gt 12 ] && [ $(($6 % 16)) -eq 0 ] && [ $(($9 * 256 + ${10})) -gt 0 ]
      }
      tcp() {
        for c in $(candidates "$2"); do tcpquery "$c" "$(code "$1")" && return 0; done
        return 1
      }
      hosts() {
        awk -v n="$1" '$1 !~ /^#/ { for (i = 2; i <= NF; i++) if ($i == n) f = 1 } END { exit !f }' /etc/hosts
      }
      check() { "$@" || failed="$failed [$*]"; }
      """;

  /** A headless or ClusterIP Service with upstream's e2e port ({@code http} 80/TCP) selecting {@code selector}. */
  private static Service service(String ns, String name, boolean headless, Map<String, String> selector) {
    ServiceBuilder b = new ServiceBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withNewSpec().withSelector(selector).addNewPort().withName("http").withProtocol("TCP").withPort(80)
        .withTargetPort(new IntOrString(80)).endPort().endSpec();
    if (headless) {
      b.editSpec().withClusterIP("None").endSpec();
    }
    return ProxyNode.client().resource(b.build()).create();
  }

  /**
   * Upstream's DNS test pod: hostname and subdomain set, serving HTTP on 80 (upstream's webserver container) so it
   * is the Services' endpoint, probing until every probe answered, then printing PASS.
   */
  private static void prober(String ns, String name, String hostname, String subdomain, Map<String, String> labels,
      List<String> probes) {
    String script = PROBE_FUNCTIONS + "mkdir -p /www && hostname > /www/index.html && httpd -p 80 -h /www\n"
        + "podARec=$(hostname -i | awk -F. '{print $1\"-\"$2\"-\"$3\"-\"$4\"." + ns + ".pod.cluster.local\"}')\n"
        + "while :; do\n  failed=\"\"\n"
        + String.join("", probes.stream().map(p -> "  check " + p + "\n").toList())
        + "  check udp a \"$podARec\"\n  check tcp a \"$podARec\"\n"
        + "  if [ -z \"$failed\" ]; then echo PASS; exec sleep 3600; fi\n"
        + "  echo \"failed:$failed\"; sleep 1\ndone\n";
    ProxyNode.client().resource(new PodBuilder().withNewMetadata().withName(name).withNamespace(ns)
        .withLabels(labels).endMetadata().withNewSpec().withNodeName(ProxyNode.nodeName())
        .withHostname(hostname).withSubdomain(subdomain).withTerminationGracePeriodSeconds(1L)
        .addNewContainer().withName("querier").withImage("busybox").withCommand("sh", "-c", script)
        .addNewPort().withName("http").withContainerPort(80).endPort().endContainer().endSpec().build()).create();
  }

  private static void awaitPass(String ns, String pod) {
    try {
      Await.until(PROBES, "every DNS probe of " + ns + "/" + pod + " answered", () -> log(ns, pod).contains("PASS"));
    } catch (AssertionError e) {
      List<String> lines = log(ns, pod).lines().toList();
      throw new AssertionError(e.getMessage() + "; last probe rounds:\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 3), lines.size())), e);
    }
  }

  private static String log(String ns, String pod) {
    return ProxyNode.client().pods().inNamespace(ns).withName(pod).getLog();
  }

  /**
   * "should provide DNS for the cluster", "should provide /etc/hosts entries for the cluster" and "should resolve
   * DNS of partial qualified names for services" share upstream's pod (hostname dns-querier-1, subdomain
   * dns-test-service); "should provide DNS for pods for Hostname" and "... for Subdomain" share the second
   * (dns-querier-2 in dns-test-service-2). Both probers run side by side.
   */
  @Conformance({"network.dns-cluster", "network.dns-partial-names", "network.dns-pod-hostname-subdomain"})
  @Test
  void clusterNamesHostsEntriesPartialNamesAndPodHostnames(String ns) {
    Map<String, String> dnsTest = Map.of("dns-test", "true");
    service(ns, "dns-test-service", true, dnsTest);
    Service regular = service(ns, "test-service-2", false, dnsTest);
    String[] ip = regular.getSpec().getClusterIP().split("\\.");
    String ptr = ip[3] + "." + ip[2] + "." + ip[1] + "." + ip[0] + ".in-addr.arpa.";
    List<String> probes1 = new ArrayList<>();
    for (String proto : List.of("udp", "tcp")) {
      // the cluster
      probes1.add(proto + " a kubernetes.default.svc.cluster.local");
      // partial qualified names of a headless and a regular Service, and the regular one's PTR
      for (String name : List.of("dns-test-service", "dns-test-service." + ns, "dns-test-service." + ns + ".svc")) {
        probes1.add(proto + " a " + name);
      }
      probes1.add(proto + " srv _http._tcp.dns-test-service." + ns + ".svc");
      probes1.add(proto + " srv _http._tcp.test-service-2." + ns + ".svc");
      probes1.add(proto + " ptr " + ptr);
    }
    // /etc/hosts
    probes1.add("hosts dns-querier-1.dns-test-service." + ns + ".svc.cluster.local");
    probes1.add("hosts dns-querier-1");
    prober(ns, "dns-test-1", "dns-querier-1", "dns-test-service", dnsTest, probes1);

    Map<String, String> hostnameAttribute = Map.of("dns-test-hostname-attribute", "true");
    service(ns, "dns-test-service-2", true, hostnameAttribute);
    String fqdn = "dns-querier-2.dns-test-service-2." + ns + ".svc.cluster.local";
    List<String> probes2 = new ArrayList<>();
    // Hostname: the pod's FQDN and hostname from /etc/hosts
    probes2.add("hosts " + fqdn);
    probes2.add("hosts dns-querier-2");
    // Subdomain: the FQDN and the subdomain as A records
    for (String proto : List.of("udp", "tcp")) {
      probes2.add(proto + " a " + fqdn);
      probes2.add(proto + " a dns-test-service-2." + ns + ".svc.cluster.local");
    }
    prober(ns, "dns-test-2", "dns-querier-2", "dns-test-service-2", hostnameAttribute, probes2);

    awaitPass(ns, "dns-test-1");
    awaitPass(ns, "dns-test-2");
  }

  /** The CNAME a fresh pod resolves for {@code name}, awaited to be {@code expected} (upstream: a new pod per step). */
  private static void awaitAnswer(String ns, String pod, String type, String name, String expected) {
    String extract = type.equals("cname") ? "sed -n 's/.*canonical name = //p'" : "sed -n 's/^Address: //p'";
    var r = ProxyNode.run(ns, pod, "for i in $(seq 60); do v=$(nslookup -type=" + type + " " + name + " | "
        + extract + "); [ \"$v\" = '" + expected + "' ] && exit 0; echo \"got '$v'\"; sleep 1; done; exit 1");
    assertEquals(0, r.exitCode(), type + " of " + name + " is " + expected + ": " + r);
  }

  /**
   * "should provide DNS for ExternalName services": a CNAME to foo.example.com, then to bar.example.com after the
   * update, then the ClusterIP as an A record once the type is ClusterIP. (busybox prints the CNAME's target without
   * dig's final dot; the names outside the cluster are never resolved: no query leaves the machine.)
   */
  @Conformance("network.dns-external-name")
  @Test
  void externalNameServiceAnswersItsCnameThroughChanges(String ns) {
    String name = "dns-test-service-3." + ns + ".svc.cluster.local";
    ProxyNode.client().resource(new ServiceBuilder().withNewMetadata().withName("dns-test-service-3")
        .withNamespace(ns).endMetadata().withNewSpec().withType("ExternalName").withExternalName("foo.example.com")
        .endSpec().build()).create();
    awaitAnswer(ns, "dns-test-1", "cname", name, "foo.example.com");

    ProxyNode.client().services().inNamespace(ns).withName("dns-test-service-3")
        .edit(s -> new ServiceBuilder(s).editSpec().withExternalName("bar.example.com").endSpec().build());
    awaitAnswer(ns, "dns-test-2", "cname", name, "bar.example.com");

    Service clusterIp = ProxyNode.client().services().inNamespace(ns).withName("dns-test-service-3")
        .edit(s -> new ServiceBuilder(s).editSpec().withType("ClusterIP").withExternalName(null)
            .withPorts(new ServicePortBuilder().withName("http").withProtocol("TCP").withPort(80).build())
            .endSpec().build());
    assertTrue(clusterIp.getSpec().getClusterIP() != null && !clusterIp.getSpec().getClusterIP().isEmpty());
    awaitAnswer(ns, "dns-test-3", "a", name, clusterIp.getSpec().getClusterIP());
  }

  /**
   * "should support configurable pod DNS nameservers": dnsPolicy None with dnsConfig's nameserver and search path
   * makes the pod's resolv.conf (upstream reads them back with agnhost dns-server-list and dns-suffix). Nothing
   * queries 1.1.1.1.
   */
  @Conformance("network.dns-pod-config")
  @Test
  void dnsPolicyNoneUsesTheConfiguredNameserversAndSearches(String ns) {
    Pod pod = ProxyNode.clientPod(ns, "test-dns-nameservers", "cat /etc/resolv.conf; "
            + "sed -n 's/^nameserver //p' /etc/resolv.conf | grep -qx 1.1.1.1 || exit 11; "
            + "sed -n 's/^search //p' /etc/resolv.conf | grep -qw resolv.conf.local || exit 12")
        .editSpec().withDnsPolicy("None").withNewDnsConfig().withNameservers("1.1.1.1")
        .withSearches("resolv.conf.local").endDnsConfig().endSpec().build();
    var r = ProxyNode.run(pod);
    assertEquals(0, r.exitCode(), r + "\n11 the nameserver, 12 the search path is missing");
  }
}
