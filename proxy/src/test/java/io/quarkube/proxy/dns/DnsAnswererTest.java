package io.quarkube.proxy.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** Cluster DNS answers from hand-filled Services and EndpointSlices, directly and over real UDP/TCP on loopback. */
class DnsAnswererTest {
  private final List<Service> services = new ArrayList<>();
  private final List<EndpointSlice> slices = new ArrayList<>();
  private DnsServer server;

  private final ClusterView view = new ClusterView() {
    @Override
    public Service service(String namespace, String name) {
      return services.stream().filter(s -> s.getMetadata().getNamespace().equals(namespace)
          && s.getMetadata().getName().equals(name)).findFirst().orElse(null);
    }

    @Override
    public List<EndpointSlice> slices(String namespace, String service) {
      return slices.stream().filter(s -> s.getMetadata().getNamespace().equals(namespace)
          && service.equals(s.getMetadata().getLabels().get("kubernetes.io/service-name"))).toList();
    }

    @Override
    public Collection<Service> services() {
      return services;
    }
  };

  private final DnsAnswerer answerer = new DnsAnswerer(view, "cluster.local", 5, Optional.empty());

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private void cluster() {
    services.add(new ServiceBuilder().withNewMetadata().withName("web").withNamespace("default").endMetadata()
        .withNewSpec().withClusterIP("10.96.0.20").withClusterIPs("10.96.0.20")
        .addNewPort().withName("http").withProtocol("TCP").withPort(80).endPort().endSpec().build());
    services.add(new ServiceBuilder().withNewMetadata().withName("db").withNamespace("data").endMetadata()
        .withNewSpec().withClusterIP("None")
        .addNewPort().withName("pg").withProtocol("TCP").withPort(5432).endPort().endSpec().build());
    services.add(new ServiceBuilder().withNewMetadata().withName("ext").withNamespace("default").endMetadata()
        .withNewSpec().withType("ExternalName").withExternalName("example.org").endSpec().build());
    slices.add(new EndpointSliceBuilder().withNewMetadata().withName("db-abc").withNamespace("data")
        .addToLabels("kubernetes.io/service-name", "db").endMetadata().withAddressType("IPv4")
        .addNewPort().withName("pg").withProtocol("TCP").withPort(5433).endPort()
        .addNewEndpoint().withAddresses("10.88.0.7").withHostname("db-0").withNewConditions().withReady(true)
        .endConditions().endEndpoint()
        .addNewEndpoint().withAddresses("10.88.0.8").withNewConditions().withReady(true).endConditions().endEndpoint()
        .addNewEndpoint().withAddresses("10.88.0.9").withNewConditions().withReady(false).endConditions().endEndpoint()
        .build());
  }

  private Message ask(String name, int type) throws Exception {
    return answerer.answer(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
  }

  private static List<String> answers(Message m) {
    return m.getSection(Section.ANSWER).stream().map(r -> r.rdataToString()).sorted().toList();
  }

  @Test
  void serviceNamesResolveToClusterIpOrReadyEndpoints() throws Exception {
    cluster();
    Message web = ask("web.default.svc.cluster.local.", Type.A);
    assertEquals(Rcode.NOERROR, web.getRcode());
    assertEquals(List.of("10.96.0.20"), answers(web));
    assertEquals(List.of("10.88.0.7", "10.88.0.8"), answers(ask("db.data.svc.cluster.local.", Type.A)));
    assertEquals(List.of("10.88.0.7"), answers(ask("db-0.db.data.svc.cluster.local.", Type.A)));
    assertEquals(List.of("10.88.0.8"), answers(ask("10-88-0-8.db.data.svc.cluster.local.", Type.A)));
    assertEquals(List.of("10.1.2.3"), answers(ask("10-1-2-3.default.pod.cluster.local.", Type.A)));
  }

  @Test
  void srvCnamePtrAndNegativeAnswers() throws Exception {
    cluster();
    Message srv = ask("_http._tcp.web.default.svc.cluster.local.", Type.SRV);
    assertEquals(List.of("0 100 80 web.default.svc.cluster.local."), answers(srv));
    Message headless = ask("_pg._tcp.db.data.svc.cluster.local.", Type.SRV);
    assertEquals(2, headless.getSection(Section.ANSWER).size());
    assertEquals(5433, ((SRVRecord) headless.getSection(Section.ANSWER).get(0)).getPort());
    assertEquals(2, headless.getSection(Section.ADDITIONAL).size());
    assertEquals(List.of("example.org."), answers(ask("ext.default.svc.cluster.local.", Type.A)));
    assertEquals(List.of("web.default.svc.cluster.local."), answers(ask("20.0.96.10.in-addr.arpa.", Type.PTR)));

    Message missing = ask("nope.default.svc.cluster.local.", Type.A);
    assertEquals(Rcode.NXDOMAIN, missing.getRcode());
    assertEquals(Type.SOA, missing.getSection(Section.AUTHORITY).get(0).getType());
    Message noAaaa = ask("web.default.svc.cluster.local.", Type.AAAA);
    assertEquals(Rcode.NOERROR, noAaaa.getRcode());
    assertTrue(noAaaa.getSection(Section.ANSWER).isEmpty());
    // Nothing is forwarded unless an upstream was configured.
    assertEquals(Rcode.REFUSED, ask("example.org.", Type.A).getRcode());
  }

  @Test
  void anExternalNameInsideTheClusterDomainIsFollowedToItsTargetsRecords() throws Exception {
    cluster();
    services.add(externalName("inside", "default", "web.default.svc.cluster.local"));
    Message a = ask("inside.default.svc.cluster.local.", Type.A);
    assertEquals(Rcode.NOERROR, a.getRcode());
    assertEquals(List.of("10.96.0.20", "web.default.svc.cluster.local."), answers(a), "CNAME and the target's A");
    // Through a second ExternalName as well; a type the target lacks: only the CNAMEs, no error.
    services.add(externalName("twice", "default", "inside.default.svc.cluster.local."));
    assertEquals(List.of("10.96.0.20", "inside.default.svc.cluster.local.", "web.default.svc.cluster.local."),
        answers(ask("twice.default.svc.cluster.local.", Type.A)));
    Message aaaa = ask("inside.default.svc.cluster.local.", Type.AAAA);
    assertEquals(Rcode.NOERROR, aaaa.getRcode());
    assertEquals(List.of("web.default.svc.cluster.local."), answers(aaaa));
    // The CNAME itself, when asked for, is not followed.
    assertEquals(List.of("web.default.svc.cluster.local."), answers(ask("inside.default.svc.cluster.local.",
        Type.CNAME)));
    // A loop ends the answer instead of going round.
    services.add(externalName("ping", "default", "pong.default.svc.cluster.local"));
    services.add(externalName("pong", "default", "ping.default.svc.cluster.local"));
    Message loop = ask("ping.default.svc.cluster.local.", Type.A);
    assertEquals(Rcode.NOERROR, loop.getRcode());
    assertEquals(List.of("ping.default.svc.cluster.local.", "pong.default.svc.cluster.local."), answers(loop));
    // A target outside the cluster domain stays a bare CNAME (nothing is looked up outside).
    assertEquals(List.of("example.org."), answers(ask("ext.default.svc.cluster.local.", Type.A)));
  }

  private static Service externalName(String name, String namespace, String target) {
    return new ServiceBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .withNewSpec().withType("ExternalName").withExternalName(target).endSpec().build();
  }

  @Test
  void aBareServiceNameHasAnSrvRecordPerPort() throws Exception {
    cluster();
    services.add(new ServiceBuilder().withNewMetadata().withName("two").withNamespace("default").endMetadata()
        .withNewSpec().withClusterIP("10.96.0.30").withClusterIPs("10.96.0.30")
        .addNewPort().withName("http").withProtocol("TCP").withPort(80).endPort()
        .addNewPort().withName("https").withProtocol("TCP").withPort(443).endPort().endSpec().build());
    Message web = ask("web.default.svc.cluster.local.", Type.SRV);
    assertEquals(Rcode.NOERROR, web.getRcode());
    assertEquals(List.of("0 100 80 web.default.svc.cluster.local."), answers(web));
    assertEquals(List.of("10.96.0.20"), web.getSection(Section.ADDITIONAL).stream().map(Record::rdataToString)
        .toList());
    assertEquals(List.of("0 50 443 two.default.svc.cluster.local.", "0 50 80 two.default.svc.cluster.local."),
        answers(ask("two.default.svc.cluster.local.", Type.SRV)));
    // Headless: one per ready endpoint and port, to the endpoint's own name.
    assertEquals(List.of("0 50 5433 10-88-0-8.db.data.svc.cluster.local.", "0 50 5433 db-0.db.data.svc.cluster.local."),
        answers(ask("db.data.svc.cluster.local.", Type.SRV)));
    // An A query still gets only the addresses.
    Message a = ask("web.default.svc.cluster.local.", Type.A);
    assertEquals(List.of("10.96.0.20"), answers(a));
    assertTrue(a.getSection(Section.ADDITIONAL).isEmpty());
  }

  @Test
  void theZoneAnswersItsVersionNameServerAndSerial() throws Exception {
    cluster();
    services.add(new ServiceBuilder().withNewMetadata().withName("kube-dns").withNamespace("kube-system")
        .endMetadata().withNewSpec().withClusterIP("10.96.0.10").withClusterIPs("10.96.0.10")
        .addNewPort().withName("dns").withProtocol("UDP").withPort(53).endPort().endSpec().build());
    assertEquals(List.of("\"1.1.0\""), answers(ask("dns-version.cluster.local.", Type.TXT)));
    Message ns = ask("cluster.local.", Type.NS);
    assertEquals(List.of("ns.dns.cluster.local."), answers(ns));
    assertEquals(List.of("10.96.0.10"), ns.getSection(Section.ADDITIONAL).stream().map(Record::rdataToString)
        .toList());
    assertEquals(List.of("10.96.0.10"), answers(ask("ns.dns.cluster.local.", Type.A)));
    long serial = ((org.xbill.DNS.SOARecord) ask("cluster.local.", Type.SOA).getSection(Section.ANSWER).get(0))
        .getSerial();
    assertTrue(Math.abs(serial - System.currentTimeMillis() / 1000) < 3600, "a timestamp: " + serial);
  }

  @Test
  void emptyHeadlessServicesAndUnknownNamespacesDoNotExist() throws Exception {
    cluster();
    services.add(new ServiceBuilder().withNewMetadata().withName("lonely").withNamespace("data").endMetadata()
        .withNewSpec().withClusterIP("None").addNewPort().withName("pg").withProtocol("TCP").withPort(5432).endPort()
        .endSpec().build());
    assertEquals(Rcode.NXDOMAIN, ask("lonely.data.svc.cluster.local.", Type.A).getRcode());
    assertEquals(Rcode.NXDOMAIN, ask("_pg._tcp.lonely.data.svc.cluster.local.", Type.SRV).getRcode());
    assertEquals(Rcode.NXDOMAIN, ask("nowhere.svc.cluster.local.", Type.A).getRcode());
    Message known = ask("data.svc.cluster.local.", Type.A);
    assertEquals(Rcode.NOERROR, known.getRcode());
    assertTrue(known.getSection(Section.ANSWER).isEmpty());
  }

  @Test
  void servesOverUdpAndTcp() throws Exception {
    cluster();
    server = new DnsServer(answerer, "127.0.0.1", 0);
    server.start();
    SimpleResolver resolver = new SimpleResolver("127.0.0.1");
    resolver.setPort(server.port());
    resolver.setTimeout(Duration.ofSeconds(5));
    Message query = Message.newQuery(Record.newRecord(Name.fromString("web.default.svc.cluster.local."), Type.A,
        DClass.IN));
    assertEquals(List.of("10.96.0.20"), answers(resolver.send(query)));
    resolver.setTCP(true);
    assertEquals(List.of("10.96.0.20"), answers(resolver.send(query)));
  }

  @Test
  void outsideNamesAreForwardedToTheUpstreamOverRealUdp() throws Exception {
    cluster();
    // The "outside world" is a second server on loopback, authoritative for example.test.
    DnsServer upstream = new DnsServer(new DnsAnswerer(view, "example.test", 5, Optional.empty()), "127.0.0.1", 0);
    upstream.start();
    try {
      server = new DnsServer(new DnsAnswerer(view, "cluster.local", 5,
          Optional.of(DnsForwarder.to("127.0.0.1:" + upstream.port()))), "127.0.0.1", 0);
      server.start();
      SimpleResolver resolver = new SimpleResolver("127.0.0.1");
      resolver.setPort(server.port());
      resolver.setTimeout(Duration.ofSeconds(5));
      Message outside = resolver.send(Message.newQuery(Record.newRecord(
          Name.fromString("web.default.svc.example.test."), Type.A, DClass.IN)));
      assertEquals(Rcode.NOERROR, outside.getRcode());
      assertEquals(List.of("10.96.0.20"), answers(outside), "answered by the upstream, through the cluster DNS");
      // Cluster names are still answered locally.
      assertEquals(List.of("10.96.0.20"), answers(resolver.send(Message.newQuery(Record.newRecord(
          Name.fromString("web.default.svc.cluster.local."), Type.A, DClass.IN)))));
    } finally {
      upstream.close();
    }
  }

  @Test
  void theHostsResolverComesFromResolvConf() throws Exception {
    java.nio.file.Path conf = java.nio.file.Files.createTempFile("resolv", ".conf");
    try {
      java.nio.file.Files.writeString(conf, "# comment\nsearch example\nnameserver 192.0.2.53\nnameserver 192.0.2.54\n");
      assertEquals(Optional.of("192.0.2.53"), DnsForwarder.resolve("resolv.conf", conf));
      assertEquals(Optional.of("127.0.0.1:5353"), DnsForwarder.resolve("127.0.0.1:5353", conf));
      assertEquals(Optional.empty(), DnsForwarder.resolve("none", conf));
    } finally {
      java.nio.file.Files.delete(conf);
    }
  }
}
