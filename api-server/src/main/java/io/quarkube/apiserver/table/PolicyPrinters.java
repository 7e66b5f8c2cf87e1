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

/**
 * Printers of disruption budgets, role bindings, priority classes, runtime classes, admission policies and their
 * bindings, and leases.
 */
final class PolicyPrinters {
  private PolicyPrinters() {}

  static void register(Map<String, Printer> m) {
    m.put("policy/poddisruptionbudgets", Printer.of(List.of(
        Column.objectName(),
        Column.string("Min Available", "The minimum number of pods that must be available."),
        Column.string("Max Unavailable", "The maximum number of pods that may be unavailable."),
        Column.integer("Allowed Disruptions", "Calculated number of pods that may be disrupted at this time."),
        Column.age()),
        (o, now) -> List.of(name(o), intOrNa(at(o, "spec", "minAvailable")), intOrNa(at(o, "spec", "maxUnavailable")),
            Cells.number(o, "status", "disruptionsAllowed"), age(o, now))));
    Printer binding = Printer.of(List.of(
        Column.objectName(),
        Column.string("Role", "The role the binding grants."),
        Column.age(),
        Column.string("Users", "Users in the binding").wide(),
        Column.string("Groups", "Groups in the binding").wide(),
        Column.string("ServiceAccounts", "ServiceAccounts in the binding").wide()),
        PolicyPrinters::roleBinding);
    m.put("rbac.authorization.k8s.io/rolebindings", binding);
    m.put("rbac.authorization.k8s.io/clusterrolebindings", binding);
    m.put("scheduling.k8s.io/priorityclasses", Printer.of(List.of(
        Column.objectName(),
        Column.integer("Value", "The priority of pods with this class."),
        Column.bool("Global-Default", "Whether pods without a class get this one."),
        Column.age(),
        Column.string("PreemptionPolicy", "Whether pods of this class may preempt others.").wide()),
        (o, now) -> List.of(name(o), Cells.number(o, "value"), o.path("globalDefault").asBoolean(false), age(o, now),
            text(o, "preemptionPolicy"))));
    m.put("node.k8s.io/runtimeclasses", Printer.of(List.of(
        Column.objectName(),
        Column.string("Handler", "Handler specifies the underlying runtime and configuration that the CRI "
            + "implementation will use to handle pods of this class."),
        Column.age()),
        (o, now) -> List.of(name(o), text(o, "handler"), age(o, now))));
    m.put("admissionregistration.k8s.io/validatingadmissionpolicies", Printer.of(List.of(
        Column.objectName(),
        Column.integer("Validations", "Validations indicates the number of validation rules defined in this "
            + "configuration"),
        Column.string("ParamKind", "ParamKind specifies the kind of resources used to parameterize this policy"),
        Column.age()),
        (o, now) -> List.of(name(o), Cells.size(at(o, "spec", "validations")), paramKind(at(o, "spec", "paramKind")),
            age(o, now))));
    m.put("admissionregistration.k8s.io/validatingadmissionpolicybindings", Printer.of(List.of(
        Column.objectName(),
        Column.string("PolicyName", "PolicyName indicates the policy definition which the policy binding binded to"),
        Column.string("ParamRef", "ParamRef indicates the param resource which sets the configration param"),
        Column.age()),
        (o, now) -> List.of(name(o), text(o, "spec", "policyName"), paramRef(at(o, "spec", "paramRef")),
            age(o, now))));
    m.put("coordination.k8s.io/leases", Printer.of(List.of(
        Column.objectName(),
        Column.string("Holder", "The identity of the holder of the lease."),
        Column.age()),
        (o, now) -> List.of(name(o), text(o, "spec", "holderIdentity"), age(o, now))));
  }

  private static String intOrNa(JsonNode v) {
    return v.isMissingNode() || v.isNull() ? "N/A" : Cells.intOrString(v);
  }

  /** Upstream's {@code SubjectsStrings}: users, groups and {@code namespace/name} of service accounts. */
  private static List<Object> roleBinding(JsonNode o, Instant now) {
    List<String> users = new ArrayList<>();
    List<String> groups = new ArrayList<>();
    List<String> serviceAccounts = new ArrayList<>();
    for (JsonNode s : o.path("subjects")) {
      switch (text(s, "kind")) {
        case "User" -> users.add(text(s, "name"));
        case "Group" -> groups.add(text(s, "name"));
        case "ServiceAccount" -> serviceAccounts.add(text(s, "namespace") + "/" + text(s, "name"));
        default -> { }
      }
    }
    String role = text(o, "roleRef", "kind") + "/" + text(o, "roleRef", "name");
    return List.of(name(o), role, age(o, now), String.join(", ", users), String.join(", ", groups),
        String.join(", ", serviceAccounts));
  }

  /** Upstream's ParamKind cell: {@code apiVersion/kind}, or {@code <unset>}. */
  static String paramKind(JsonNode k) {
    return k == null || !k.isObject() ? "<unset>" : k.path("apiVersion").asText("") + "/" + k.path("kind").asText("");
  }

  /**
   * Upstream's ParamRef cell: {@code namespace/name}, {@code *}{@code /name} without a namespace, or the selector as Go
   * prints a LabelSelector ({@code &LabelSelector{MatchLabels:map[string]string{k: v,},MatchExpressions:...}}).
   */
  static String paramRef(JsonNode ref) {
    if (ref == null || !ref.isObject()) {
      return "<unset>";
    }
    String name = ref.path("name").asText("");
    if (!name.isEmpty()) {
      String ns = ref.path("namespace").asText("");
      return (ns.isEmpty() ? "*" : ns) + "/" + name;
    }
    JsonNode s = ref.path("selector");
    if (!s.isObject()) {
      return "<unset>";
    }
    List<String> keys = new ArrayList<>();
    s.path("matchLabels").fieldNames().forEachRemaining(keys::add);
    keys.sort(null);
    StringBuilder labels = new StringBuilder("map[string]string{");
    keys.forEach(k -> labels.append(k).append(": ").append(s.path("matchLabels").path(k).asText()).append(','));
    labels.append('}');
    StringBuilder exprs = new StringBuilder("[]LabelSelectorRequirement{");
    for (JsonNode e : s.path("matchExpressions")) {
      List<String> values = new ArrayList<>();
      e.path("values").forEach(v -> values.add(v.asText()));
      exprs.append("LabelSelectorRequirement{Key:").append(e.path("key").asText()).append(",Operator:")
          .append(e.path("operator").asText()).append(",Values:[").append(String.join(" ", values)).append("],},");
    }
    exprs.append('}');
    return "&LabelSelector{MatchLabels:" + labels + ",MatchExpressions:" + exprs + ",}";
  }
}
