package io.quarkube.proxy.dns;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Answers one DNS query from the cluster's Services and EndpointSlices, after the Kubernetes DNS specification
 * (the schema CoreDNS' kubernetes plugin serves):
 *
 * <ul>
 *   <li>{@code <svc>.<ns>.svc.<domain>} A: the ClusterIP; for a headless Service the ready endpoints' IPs;
 *   <li>{@code <hostname>.<svc>.<ns>.svc.<domain>} A: a headless Service's endpoint by its hostname (StatefulSet
 *       pods) or by its dashed IP;
 *   <li>{@code _<port>._<proto>.<svc>.<ns>.svc.<domain>} SRV: named ports;
 *   <li>ExternalName Services as CNAME; {@code <a-b-c-d>.<ns>.pod.<domain>} A; PTR for ClusterIPs and endpoints;
 *   <li>a name in the cluster domain that does not exist: NXDOMAIN; an existing name without records of the asked
 *       type: NOERROR without answers (both with the zone's SOA, so resolvers cache the negative answer).
 * </ul>
 *
 * Names outside the cluster domain are handed to {@code upstream} when one is configured (an explicit opt-in), else
 * refused: by default nothing is ever sent off this machine.
 */
public final class DnsAnswerer {
  /** The Kubernetes DNS schema version answered at {@code dns-version.<domain>} TXT. */
  static final String SCHEMA_VERSION = "1.1.0";
  /** CNAMEs followed inside the cluster domain before the answer stops (CoreDNS stops after 8 as well). */
  static final int MAX_CNAME_HOPS = 8;

  private final ClusterView cluster;
  private final Name zone;
  private final long ttl;
  private final Optional<UnaryOperator<Message>> upstream;

  public DnsAnswerer(ClusterView cluster, String domain, long ttl, Optional<UnaryOperator<Message>> upstream) {
    this.cluster = cluster;
    this.zone = name(domain.endsWith(".") ? domain : domain + ".");
    this.ttl = ttl;
    this.upstream = upstream;
  }

  public Message answer(Message query) {
    Message response = new Message(query.getHeader().getID());
    response.getHeader().setFlag(Flags.QR);
    if (query.getHeader().getFlag(Flags.RD)) {
      response.getHeader().setFlag(Flags.RD);
    }
    Record question = query.getQuestion();
    if (question == null || query.getHeader().getOpcode() != Opcode.QUERY) {
      response.getHeader().setRcode(Rcode.NOTIMP);
      return response;
    }
    response.addRecord(question, Section.QUESTION);
    Name qname = question.getName();
    int qtype = question.getType();
    if (question.getDClass() != DClass.IN && question.getDClass() != DClass.ANY) {
      response.getHeader().setRcode(Rcode.REFUSED);
      return response;
    }
    boolean reverse = qname.toString().toLowerCase(Locale.ROOT).endsWith(".in-addr.arpa.");
    if (!qname.subdomain(zone) && !reverse) {
      return forwardOrRefuse(query, response);
    }
    Lookup found = reverse ? reverse(qname) : lookup(qname);
    if (found == null) {
      if (reverse) {
        return forwardOrRefuse(query, response);
      }
      response.getHeader().setFlag(Flags.AA);
      response.getHeader().setRcode(Rcode.NXDOMAIN);
      response.addRecord(soa(), Section.AUTHORITY);
      return response;
    }
    response.getHeader().setFlag(Flags.AA);
    List<Record> answers = matching(found, qtype);
    followCnames(qname, qtype, answers);
    if (qtype == Type.SOA && qname.equals(zone)) {
      answers.add(soa());
    }
    for (Record r : answers) {
      response.addRecord(r, Section.ANSWER);
    }
    if (answers.isEmpty()) {
      response.addRecord(soa(), Section.AUTHORITY);
    } else if (qtype == Type.SRV || qtype == Type.NS || qtype == Type.ANY) {
      // The addresses of SRV targets and of the name server: only what the asked type's answers point at.
      for (Record r : found.additional) {
        response.addRecord(r, Section.ADDITIONAL);
      }
    }
    return response;
  }

  private static List<Record> matching(Lookup found, int qtype) {
    List<Record> answers = new ArrayList<>();
    for (Record r : found.records) {
      if (r.getType() == qtype || qtype == Type.ANY || r.getType() == Type.CNAME) {
        answers.add(r);
      }
    }
    return answers;
  }

  /**
   * An ExternalName Service whose target is itself in the cluster domain: the answer carries the CNAME and the
   * target's records of the asked type, as CoreDNS' backend lookup does (a stub resolver such as busybox' does not
   * chase a CNAME the server could have followed itself, and answers "bad address"). At most
   * {@value #MAX_CNAME_HOPS} hops, and never around a loop: the answer then ends with the last CNAME.
   */
  private void followCnames(Name qname, int qtype, List<Record> answers) {
    if (qtype == Type.CNAME) {
      return;
    }
    Set<Name> seen = new HashSet<>();
    seen.add(qname);
    Name current = qname;
    for (int hop = 0; hop < MAX_CNAME_HOPS; hop++) {
      Name target = cnameTarget(answers, current);
      if (target == null || !target.subdomain(zone) || !seen.add(target)) {
        return;
      }
      Lookup next = lookup(target);
      if (next == null) {
        return;
      }
      answers.addAll(matching(next, qtype));
      current = target;
    }
  }

  private static Name cnameTarget(List<Record> answers, Name owner) {
    for (Record r : answers) {
      if (r instanceof CNAMERecord c && c.getName().equals(owner)) {
        return c.getTarget();
      }
    }
    return null;
  }

  private Message forwardOrRefuse(Message query, Message response) {
    if (upstream.isPresent()) {
      Message forwarded = upstream.get().apply(query);
      if (forwarded != null) {
        forwarded.getHeader().setID(query.getHeader().getID());
        return forwarded;
      }
      response.getHeader().setRcode(Rcode.SERVFAIL);
      return response;
    }
    response.getHeader().setRcode(Rcode.REFUSED);
    return response;
  }

  /** Records at a name (null: the name does not exist). */
  private record Lookup(List<Record> records, List<Record> additional) {
    static Lookup empty() {
      return new Lookup(List.of(), List.of());
    }
  }

  private Lookup lookup(Name qname) {
    String relative = qname.relativize(zone).toString().toLowerCase(Locale.ROOT);
    if (qname.equals(zone)) {
      return apex();
    }
    String[] labels = relative.split("\\.");
    int n = labels.length;
    if (relative.equals("dns-version")) {
      // The version of the Kubernetes DNS schema served (the spec's "dns-version" record).
      return new Lookup(List.of(new TXTRecord(qname, DClass.IN, ttl, SCHEMA_VERSION)), List.of());
    }
    if (relative.equals("ns.dns")) {
      return new Lookup(nameServerAddresses(qname), List.of());
    }
    if (labels[n - 1].equals("dns") && n == 1) {
      return Lookup.empty(); // dns.<domain>: holds ns.dns.<domain>
    }
    if (labels[n - 1].equals("svc")) {
      if (n == 1) {
        return Lookup.empty(); // svc.<domain>: exists, holds nothing
      }
      String ns = labels[n - 2];
      if (n == 2) {
        // <ns>.svc.<domain>: exists when the namespace does. The proxy may not read Namespaces (upstream's
        // system:node-proxier role), so a namespace is known by its Services.
        return namespaceHasServices(ns) ? Lookup.empty() : null;
      }
      String svcName = labels[n - 3];
      Service svc = cluster.service(ns, svcName);
      if (svc == null || svc.getSpec() == null) {
        return null;
      }
      if (n == 3) {
        return serviceRecords(qname, svc);
      }
      if (n == 4) {
        return endpointByHostname(qname, svc, labels[0]);
      }
      if (n == 5 && labels[0].startsWith("_") && labels[1].startsWith("_")) {
        return srv(qname, svc, labels[0].substring(1), labels[1].substring(1));
      }
      return null;
    }
    if (labels[n - 1].equals("pod")) {
      if (n <= 2) {
        return Lookup.empty();
      }
      if (n == 3) {
        Optional<InetAddress> ip = dashedIp(labels[0]);
        return ip.map(a -> new Lookup(List.of(new ARecord(qname, DClass.IN, ttl, a)), List.of())).orElse(null);
      }
    }
    return null;
  }

  /** The zone's apex: its name server {@code ns.dns.<domain>}, whose address is the DNS Service's ClusterIP. */
  private Lookup apex() {
    Name ns = name("ns.dns." + zone);
    return new Lookup(List.of(new NSRecord(zone, DClass.IN, ttl, ns)), nameServerAddresses(ns));
  }

  /** CoreDNS answers with the addresses of the Service that fronts it: here kube-system/kube-dns. */
  private List<Record> nameServerAddresses(Name owner) {
    Service dns = cluster.service("kube-system", "kube-dns");
    if (dns == null || dns.getSpec() == null || headless(dns)) {
      return List.of();
    }
    List<Record> records = new ArrayList<>();
    for (String ip : clusterIps(dns)) {
      address(ip).ifPresent(a -> records.add(new ARecord(owner, DClass.IN, ttl, a)));
    }
    return records;
  }

  private boolean namespaceHasServices(String ns) {
    for (Service svc : cluster.services()) {
      if (svc.getMetadata() != null && ns.equals(svc.getMetadata().getNamespace())) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code <svc>.<ns>.svc.<domain>}: A records (the ClusterIPs, or a headless Service's ready endpoints) and SRV
   * records, one per port (per endpoint and port when headless), as CoreDNS answers SRV for the bare name; a headless
   * Service without ready endpoints does not exist (NXDOMAIN, as CoreDNS).
   */
  private Lookup serviceRecords(Name qname, Service svc) {
    var spec = svc.getSpec();
    if ("ExternalName".equals(spec.getType())) {
      if (spec.getExternalName() == null) {
        return Lookup.empty();
      }
      String target = spec.getExternalName().endsWith(".") ? spec.getExternalName() : spec.getExternalName() + ".";
      return new Lookup(List.of(new CNAMERecord(qname, DClass.IN, ttl, name(target))), List.of());
    }
    List<Record> records = new ArrayList<>();
    List<Record> additional = new ArrayList<>();
    if (headless(svc)) {
      Map<String, Ready> ready = readyEndpoints(svc);
      if (ready.isEmpty()) {
        return null;
      }
      int srvCount = ready.values().stream().mapToInt(r -> r.ports().size()).sum();
      for (Map.Entry<String, Ready> e : ready.entrySet()) {
        Optional<InetAddress> a = address(e.getValue().endpoint().getAddresses().get(0));
        a.ifPresent(ip -> records.add(new ARecord(qname, DClass.IN, ttl, ip)));
        Name target = name(e.getKey() + "." + serviceName(svc));
        for (int port : e.getValue().ports()) {
          records.add(new SRVRecord(qname, DClass.IN, ttl, 0, srvWeight(srvCount), port, target));
        }
        a.ifPresent(ip -> additional.add(new ARecord(target, DClass.IN, ttl, ip)));
      }
    } else {
      for (String ip : clusterIps(svc)) {
        address(ip).ifPresent(a -> records.add(new ARecord(qname, DClass.IN, ttl, a)));
      }
      Name target = serviceName(svc);
      List<ServicePort> ports = spec.getPorts() == null ? List.of() : spec.getPorts();
      for (ServicePort p : ports) {
        records.add(new SRVRecord(qname, DClass.IN, ttl, 0, srvWeight(ports.size()), p.getPort(), target));
      }
      if (!ports.isEmpty()) {
        for (String ip : clusterIps(svc)) {
          address(ip).ifPresent(a -> additional.add(new ARecord(target, DClass.IN, ttl, a)));
        }
      }
    }
    return new Lookup(records, additional);
  }

  /** CoreDNS shares a weight of 100 among the SRV records of one priority (all are priority 0). */
  private static int srvWeight(int records) {
    return records <= 1 ? 100 : 100 / records;
  }

  private static List<String> clusterIps(Service svc) {
    var spec = svc.getSpec();
    return spec.getClusterIPs() != null && !spec.getClusterIPs().isEmpty() ? spec.getClusterIPs()
        : spec.getClusterIP() == null ? List.of() : List.of(spec.getClusterIP());
  }

  private Lookup endpointByHostname(Name qname, Service svc, String label) {
    if (!headless(svc)) {
      return null;
    }
    List<Record> records = new ArrayList<>();
    for (Map.Entry<String, Ready> e : readyEndpoints(svc).entrySet()) {
      if (e.getKey().equals(label)) {
        address(e.getValue().endpoint().getAddresses().get(0))
            .ifPresent(a -> records.add(new ARecord(qname, DClass.IN, ttl, a)));
      }
    }
    return records.isEmpty() ? null : new Lookup(records, List.of());
  }

  private Lookup srv(Name qname, Service svc, String portName, String proto) {
    if (svc.getSpec().getPorts() == null) {
      return null;
    }
    for (ServicePort p : svc.getSpec().getPorts()) {
      String pProto = p.getProtocol() == null ? "tcp" : p.getProtocol().toLowerCase(Locale.ROOT);
      if (p.getName() == null || !p.getName().equalsIgnoreCase(portName) || !pProto.equals(proto)) {
        continue;
      }
      Name svcName = serviceName(svc);
      List<Record> answers = new ArrayList<>();
      List<Record> additional = new ArrayList<>();
      if (headless(svc)) {
        Map<String, Ready> ready = readyEndpoints(svc);
        for (Map.Entry<String, Ready> e : ready.entrySet()) {
          Name target = name(e.getKey() + "." + svcName);
          Integer port = slicePort(svc, p.getName());
          answers.add(new SRVRecord(qname, DClass.IN, ttl, 0, srvWeight(ready.size()),
              port == null ? p.getPort() : port, target));
          address(e.getValue().endpoint().getAddresses().get(0))
              .ifPresent(a -> additional.add(new ARecord(target, DClass.IN, ttl, a)));
        }
        if (answers.isEmpty()) {
          return null; // no endpoints: the name does not exist, as for the bare name
        }
      } else {
        answers.add(new SRVRecord(qname, DClass.IN, ttl, 0, 100, p.getPort(), svcName));
        for (Record a : serviceRecords(svcName, svc).records()) {
          if (a.getType() == Type.A) {
            additional.add(a);
          }
        }
      }
      return new Lookup(answers, additional);
    }
    return null;
  }

  private Lookup reverse(Name qname) {
    String[] parts = qname.toString().toLowerCase(Locale.ROOT).replace(".in-addr.arpa.", "").split("\\.");
    if (parts.length != 4) {
      return null;
    }
    String ip = parts[3] + "." + parts[2] + "." + parts[1] + "." + parts[0];
    List<Record> records = new ArrayList<>();
    for (Service svc : cluster.services()) {
      if (svc.getSpec() == null) {
        continue;
      }
      if (headless(svc)) {
        for (Map.Entry<String, Ready> e : readyEndpoints(svc).entrySet()) {
          if (ip.equals(e.getValue().endpoint().getAddresses().get(0))) {
            records.add(new PTRRecord(qname, DClass.IN, ttl, name(e.getKey() + "." + serviceName(svc))));
          }
        }
      } else if (ip.equals(svc.getSpec().getClusterIP())) {
        records.add(new PTRRecord(qname, DClass.IN, ttl, serviceName(svc)));
      }
    }
    return records.isEmpty() ? null : new Lookup(records, List.of());
  }

  /** A ready endpoint of a headless Service with the ports of its slice. */
  private record Ready(Endpoint endpoint, List<Integer> ports) {}

  /** A headless Service's ready endpoints by their DNS label: the hostname, else the dashed IP. */
  private Map<String, Ready> readyEndpoints(Service svc) {
    Map<String, Ready> result = new LinkedHashMap<>();
    for (EndpointSlice slice : cluster.slices(svc.getMetadata().getNamespace(), svc.getMetadata().getName())) {
      if (slice.getEndpoints() == null || !"IPv4".equals(slice.getAddressType())) {
        continue;
      }
      List<Integer> ports = slice.getPorts() == null ? List.of() : slice.getPorts().stream()
          .map(p -> p.getPort()).filter(p -> p != null).toList();
      for (Endpoint ep : slice.getEndpoints()) {
        boolean ready = ep.getConditions() == null || !Boolean.FALSE.equals(ep.getConditions().getReady());
        boolean publish = Boolean.TRUE.equals(svc.getSpec().getPublishNotReadyAddresses());
        if ((ready || publish) && ep.getAddresses() != null && !ep.getAddresses().isEmpty()) {
          String label = ep.getHostname() != null && !ep.getHostname().isEmpty() ? ep.getHostname()
              : ep.getAddresses().get(0).replace('.', '-');
          result.putIfAbsent(label.toLowerCase(Locale.ROOT), new Ready(ep, ports));
        }
      }
    }
    return result;
  }

  private Integer slicePort(Service svc, String portName) {
    for (EndpointSlice slice : cluster.slices(svc.getMetadata().getNamespace(), svc.getMetadata().getName())) {
      if (slice.getPorts() != null) {
        for (var p : slice.getPorts()) {
          if (portName.equals(p.getName())) {
            return p.getPort();
          }
        }
      }
    }
    return null;
  }

  private static boolean headless(Service svc) {
    return "None".equals(svc.getSpec().getClusterIP());
  }

  private Name serviceName(Service svc) {
    return name(svc.getMetadata().getName() + "." + svc.getMetadata().getNamespace() + ".svc." + zone);
  }

  private SOARecord soa() {
    // Negative answers are cached for the TTL (the SOA minimum), as CoreDNS does.
    // The serial is when the cluster's Services or endpoints last changed (CoreDNS: the API's last modification).
    return new SOARecord(zone, DClass.IN, ttl, name("ns.dns." + zone), name("hostmaster." + zone),
        cluster.lastModifiedSeconds() & 0xffffffffL, 7200, 1800, 86400, ttl);
  }

  private static Optional<InetAddress> dashedIp(String label) {
    String[] p = label.split("-");
    if (p.length != 4) {
      return Optional.empty();
    }
    return address(String.join(".", p));
  }

  private static Optional<InetAddress> address(String ip) {
    if (ip == null || !ip.matches("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName(ip)); // a literal: no lookup happens
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  private static Name name(String s) {
    try {
      return Name.fromString(s);
    } catch (TextParseException e) {
      throw new IllegalArgumentException("not a DNS name: " + s, e);
    }
  }
}
