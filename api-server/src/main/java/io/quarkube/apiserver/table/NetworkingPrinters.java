package io.quarkube.apiserver.table;

import static io.quarkube.apiserver.table.Cells.age;
import static io.quarkube.apiserver.table.Cells.at;
import static io.quarkube.apiserver.table.Cells.name;
import static io.quarkube.apiserver.table.Cells.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Printers of endpoint slices, ingresses, ingress classes and network policies. */
final class NetworkingPrinters {
  private NetworkingPrinters() {}

  static void register(Map<String, Printer> m) {
    m.put("discovery.k8s.io/endpointslices", Printer.of(List.of(
        Column.objectName(),
        Column.string("AddressType", "The type of address carried by this slice."),
        Column.string("Ports", "The ports of the endpoints, three at most."),
        Column.string("Endpoints", "The addresses of the endpoints, three at most."),
        Column.age()),
        NetworkingPrinters::endpointSlice));
    m.put("networking.k8s.io/ingresses", Printer.of(List.of(
        Column.objectName(),
        Column.string("Class", "The name of the IngressClass resource that should be used for additional "
            + "configuration"),
        Column.string("Hosts", "Hosts that incoming requests are matched against before the ingress rule"),
        Column.string("Address", "Address is a list containing ingress points for the load-balancer"),
        Column.string("Ports", "Ports of TLS configurations that open"),
        Column.age()),
        NetworkingPrinters::ingress));
    m.put("networking.k8s.io/ingressclasses", Printer.of(List.of(
        Column.objectName(),
        Column.string("Controller", "Controller that is responsible for handling this class"),
        Column.string("Parameters", "A reference to a resource with additional parameters"),
        Column.age()),
        NetworkingPrinters::ingressClass));
    m.put("networking.k8s.io/networkpolicies", Printer.of(List.of(
        Column.objectName(),
        Column.string("Pod-Selector", "The pods the policy applies to."),
        Column.age()),
        (o, now) -> List.of(name(o), Cells.formatLabelSelector(at(o, "spec", "podSelector")), age(o, now))));
  }

  private static List<Object> endpointSlice(JsonNode o, Instant now) {
    List<String> ports = new ArrayList<>();
    for (JsonNode p : o.path("ports")) {
      if (p.path("port").isNumber()) {
        ports.add(Long.toString(p.path("port").asLong()));
      } else if (p.path("name").isTextual()) {
        ports.add(p.path("name").asText());
      } else {
        ports.add("*");
      }
    }
    List<String> addresses = new ArrayList<>();
    for (JsonNode e : o.path("endpoints")) {
      addresses.addAll(Cells.strings(e.path("addresses")));
    }
    return List.of(name(o), text(o, "addressType"), Cells.listWithMore(ports, 3),
        Cells.listWithMore(addresses, 3), age(o, now));
  }

  private static List<Object> ingress(JsonNode o, Instant now) {
    JsonNode spec = o.path("spec");
    String className = spec.path("ingressClassName").isTextual() ? spec.path("ingressClassName").asText() : "<none>";
    // Upstream's formatHosts: up to three hosts; a fourth rule of any kind turns the rest into a count.
    JsonNode rules = spec.path("rules");
    List<String> hosts = new ArrayList<>();
    boolean more = false;
    for (JsonNode rule : rules) {
      if (hosts.size() == 3) {
        more = true;
      }
      if (!more && !text(rule, "host").isEmpty()) {
        hosts.add(text(rule, "host"));
      }
    }
    String hostCell = hosts.isEmpty() ? "*" : String.join(",", hosts);
    if (!hosts.isEmpty() && more) {
      hostCell += " + " + (rules.size() - 3) + " more...";
    }
    TreeSet<String> address = new TreeSet<>();
    for (JsonNode ing : at(o, "status", "loadBalancer", "ingress")) {
      if (!text(ing, "ip").isEmpty()) {
        address.add(text(ing, "ip"));
      } else if (!text(ing, "hostname").isEmpty()) {
        address.add(text(ing, "hostname"));
      }
    }
    String ports = spec.path("tls").size() > 0 ? "80, 443" : "80";
    return List.of(name(o), className, hostCell, String.join(",", address), ports, age(o, now));
  }

  private static List<Object> ingressClass(JsonNode o, Instant now) {
    JsonNode params = at(o, "spec", "parameters");
    String parameters = "<none>";
    if (params.isObject()) {
      parameters = text(params, "kind");
      if (params.path("apiGroup").isTextual()) {
        parameters += "." + params.path("apiGroup").asText();
      }
      parameters += "/" + text(params, "name");
    }
    return List.of(name(o), text(o, "spec", "controller"), parameters, age(o, now));
  }
}
