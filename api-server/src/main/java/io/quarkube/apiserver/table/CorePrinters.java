package io.quarkube.apiserver.table;

import static io.quarkube.apiserver.table.Cells.age;
import static io.quarkube.apiserver.table.Cells.at;
import static io.quarkube.apiserver.table.Cells.name;
import static io.quarkube.apiserver.table.Cells.number;
import static io.quarkube.apiserver.table.Cells.size;
import static io.quarkube.apiserver.table.Cells.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Printers of the core/v1 resources other than pods and events, with upstream's columns and cell rules. */
final class CorePrinters {
  private CorePrinters() {}

  /** Upstream's printComponentStatus: the Healthy condition's status, message and error. */
  private static List<Object> componentStatus(JsonNode o, Instant now) {
    String status = "Unknown";
    String message = "";
    String error = "";
    for (JsonNode c : o.path("conditions")) {
      if ("Healthy".equals(text(c, "type"))) {
        status = "True".equals(text(c, "status")) ? "Healthy" : "Unhealthy";
        message = text(c, "message");
        error = text(c, "error");
        break;
      }
    }
    return List.of(name(o), status, message, error);
  }

  static void register(Map<String, Printer> m) {
    m.put("/pods", new PodPrinter());
    m.put("/services", Printer.of(List.of(
        Column.objectName(),
        Column.string("Type", "How the service is exposed: ClusterIP, NodePort, LoadBalancer or ExternalName."),
        Column.string("Cluster-IP", "The IP address of the service inside the cluster."),
        Column.string("External-IP", "The addresses outside the cluster that reach the service."),
        Column.string("Port(s)", "The ports the service exposes."),
        Column.age(),
        Column.string("Selector", "The labels of the pods the service sends traffic to.").wide()),
        CorePrinters::service));
    m.put("/namespaces", Printer.of(List.of(Column.objectName(),
        Column.string("Status", "The status of the namespace"), Column.age()),
        (o, now) -> List.of(name(o), text(o, "status", "phase"), age(o, now))));
    m.put("/nodes", Printer.of(List.of(
        Column.objectName(),
        Column.string("Status", "The status of the node"),
        Column.string("Roles", "The roles of the node"),
        Column.age(),
        Column.string("Version", "Kubelet Version reported by the node."),
        Column.string("Internal-IP", "The node's first internal address.").wide(),
        Column.string("External-IP", "The node's first external address.").wide(),
        Column.string("OS-Image", "OS Image reported by the node.").wide(),
        Column.string("Kernel-Version", "Kernel Version reported by the node.").wide(),
        Column.string("Container-Runtime", "ContainerRuntime Version reported by the node.").wide()),
        CorePrinters::node));
    m.put("/componentstatuses", Printer.of(List.of(Column.objectName(),
        Column.string("Status", "Status of the component conditions"),
        Column.string("Message", "Message of the component conditions"),
        Column.string("Error", "Error of the component conditions")),
        CorePrinters::componentStatus));
    m.put("/configmaps", Printer.of(List.of(Column.objectName(),
        Column.string("Data", "The number of keys in data and binaryData."), Column.age()),
        (o, now) -> List.of(name(o), size(o.path("data")) + size(o.path("binaryData")), age(o, now))));
    m.put("/secrets", Printer.of(List.of(Column.objectName(),
        Column.string("Type", "Used to facilitate programmatic handling of secret data."),
        Column.string("Data", "The number of keys in data."), Column.age()),
        (o, now) -> List.of(name(o), text(o, "type"), size(o.path("data")), age(o, now))));
    m.put("/serviceaccounts", Printer.of(List.of(Column.objectName(),
        Column.string("Secrets", "The number of secrets the service account names."), Column.age()),
        (o, now) -> List.of(name(o), size(o.path("secrets")), age(o, now))));
    m.put("/endpoints", Printer.of(List.of(Column.objectName(),
        Column.string("Endpoints", "The addresses and ports of the endpoints, three at most."), Column.age()),
        (o, now) -> List.of(name(o), endpoints(o), age(o, now))));
    m.put("/replicationcontrollers", Printer.of(List.of(
        Column.objectName(),
        Column.integer("Desired", "The number of replicas the controller should keep."),
        Column.integer("Current", "The most recently observed number of replicas."),
        Column.integer("Ready", "The number of ready replicas."),
        Column.age(),
        Column.string("Containers", Column.CONTAINERS_DESCRIPTION).wide(),
        Column.string("Images", Column.IMAGES_DESCRIPTION).wide(),
        Column.string("Selector", "Label keys and values the pods must match.").wide()),
        (o, now) -> {
          List<String> c = Cells.containerCells(at(o, "spec", "template", "spec", "containers"));
          return List.of(name(o), replicas(o), number(o, "status", "replicas"), number(o, "status", "readyReplicas"),
              age(o, now), c.get(0), c.get(1), Cells.formatLabels(at(o, "spec", "selector")));
        }));
    m.put("/podtemplates", Printer.of(List.of(
        Column.objectName(),
        Column.string("Containers", Column.CONTAINERS_DESCRIPTION),
        Column.string("Images", Column.IMAGES_DESCRIPTION),
        Column.string("Pod Labels", "The labels for the pod template.")),
        (o, now) -> {
          List<String> c = Cells.containerCells(at(o, "template", "spec", "containers"));
          return List.of(name(o), c.get(0), c.get(1), Cells.formatLabels(at(o, "template", "metadata", "labels")));
        }));
    m.put("/resourcequotas", Printer.of(List.of(
        // 1.32's order; AGE moved to the end only in 1.33.
        Column.objectName(),
        Column.age(),
        Column.string("Request", "Request represents a minimum amount of cpu/memory that a container may consume."),
        Column.string("Limit", "Limits control the maximum amount of cpu/memory that a container may use "
            + "independent of contention on the node.")),
        CorePrinters::resourceQuota));
    StoragePrinters.register(m);
  }

  /** Upstream defaults replicas to 1; an object stored without it shows the default. */
  static long replicas(JsonNode o) {
    JsonNode r = at(o, "spec", "replicas");
    return r.isNumber() ? r.asLong() : 1;
  }

  private static List<Object> service(JsonNode o, Instant now) {
    JsonNode spec = o.path("spec");
    String clusterIp = spec.path("clusterIPs").size() > 0 ? spec.path("clusterIPs").get(0).asText() : "<none>";
    List<String> ports = new ArrayList<>();
    for (JsonNode p : spec.path("ports")) {
      long nodePort = p.path("nodePort").asLong(0);
      ports.add(nodePort > 0 ? p.path("port").asLong() + ":" + nodePort + "/" + text(p, "protocol")
          : p.path("port").asLong() + "/" + text(p, "protocol"));
    }
    String portCell = ports.isEmpty() ? "<none>" : String.join(",", ports);
    return List.of(name(o), text(spec, "type"), clusterIp, externalIp(o), portCell, age(o, now),
        Cells.formatLabels(spec.path("selector")));
  }

  /** The server renders the wide form, so load balancer addresses are not clipped. */
  private static String externalIp(JsonNode svc) {
    JsonNode spec = svc.path("spec");
    List<String> externalIps = Cells.strings(spec.path("externalIPs"));
    switch (text(spec, "type")) {
      case "ClusterIP", "NodePort":
        return externalIps.isEmpty() ? "<none>" : String.join(",", externalIps);
      case "LoadBalancer":
        TreeSet<String> lb = new TreeSet<>();
        for (JsonNode ing : at(svc, "status", "loadBalancer", "ingress")) {
          if (!text(ing, "ip").isEmpty()) {
            lb.add(text(ing, "ip"));
          } else if (!text(ing, "hostname").isEmpty()) {
            lb.add(text(ing, "hostname"));
          }
        }
        List<String> all = new ArrayList<>(lb);
        if (!externalIps.isEmpty()) {
          all.addAll(externalIps);
          return String.join(",", all);
        }
        return lb.isEmpty() ? "<pending>" : String.join(",", lb);
      case "ExternalName":
        return text(spec, "externalName");
      default:
        return "<unknown>";
    }
  }

  private static List<Object> node(JsonNode o, Instant now) {
    List<String> status = new ArrayList<>();
    for (JsonNode c : at(o, "status", "conditions")) {
      if (text(c, "type").equals("Ready")) {
        status.clear();
        status.add(text(c, "status").equals("True") ? "Ready" : "NotReady");
      }
    }
    if (status.isEmpty()) {
      status.add("Unknown");
    }
    if (at(o, "spec", "unschedulable").asBoolean(false)) {
      status.add("SchedulingDisabled");
    }
    TreeSet<String> roles = new TreeSet<>();
    at(o, "metadata", "labels").fields().forEachRemaining(e -> {
      if (e.getKey().startsWith("node-role.kubernetes.io/")) {
        String role = e.getKey().substring("node-role.kubernetes.io/".length());
        if (!role.isEmpty()) {
          roles.add(role);
        }
      } else if (e.getKey().equals("kubernetes.io/role") && !e.getValue().asText().isEmpty()) {
        roles.add(e.getValue().asText());
      }
    });
    JsonNode info = at(o, "status", "nodeInfo");
    return List.of(name(o), String.join(",", status), roles.isEmpty() ? "<none>" : String.join(",", roles),
        age(o, now), text(info, "kubeletVersion"), nodeAddress(o, "InternalIP"), nodeAddress(o, "ExternalIP"),
        orUnknown(text(info, "osImage")), orUnknown(text(info, "kernelVersion")),
        orUnknown(text(info, "containerRuntimeVersion")));
  }

  private static String nodeAddress(JsonNode node, String type) {
    for (JsonNode a : at(node, "status", "addresses")) {
      if (text(a, "type").equals(type)) {
        return text(a, "address");
      }
    }
    return "<none>";
  }

  private static String orUnknown(String s) {
    return s.isEmpty() ? "<unknown>" : s;
  }

  /** Upstream's {@code formatEndpoints}: the first three {@code ip:port} pairs, then a count of the rest. */
  private static String endpoints(JsonNode o) {
    JsonNode subsets = o.path("subsets");
    if (subsets.size() == 0) {
      return "<none>";
    }
    int max = 3;
    List<String> list = new ArrayList<>();
    boolean more = false;
    int count = 0;
    for (JsonNode ss : subsets) {
      JsonNode addresses = ss.path("addresses");
      if (ss.path("ports").size() == 0) {
        // headless services may have no ports
        count += addresses.size();
        for (JsonNode a : addresses) {
          if (list.size() == max) {
            more = true;
            break;
          }
          list.add(text(a, "ip"));
        }
        continue;
      }
      for (JsonNode port : ss.path("ports")) {
        count += addresses.size();
        for (JsonNode a : addresses) {
          if (list.size() == max) {
            more = true;
            break;
          }
          String ip = text(a, "ip");
          list.add((ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port.path("port").asLong());
        }
      }
    }
    String ret = String.join(",", list);
    return more ? ret + " + " + (count - max) + " more..." : ret;
  }

  private static List<Object> resourceQuota(JsonNode o, Instant now) {
    JsonNode hard = at(o, "status", "hard");
    JsonNode used = at(o, "status", "used");
    TreeSet<String> resources = new TreeSet<>();
    hard.fieldNames().forEachRemaining(resources::add);
    List<String> requests = new ArrayList<>();
    List<String> limits = new ArrayList<>();
    for (String r : resources) {
      String usedQuantity = used.has(r) ? used.get(r).asText() : "0";
      String entry = r + ": " + usedQuantity + "/" + hard.get(r).asText();
      String[] pieces = r.split("\\.");
      (pieces.length > 1 && pieces[0].equals("limits") ? limits : requests).add(entry);
    }
    return List.of(name(o), age(o, now), String.join(", ", requests), String.join(", ", limits));
  }
}
