package io.quarkube.apiserver.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.quarkube.apiserver.auth.UserInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * An audit.k8s.io/v1 {@code Policy}: the first rule that matches a request gives its level (None when no rule
 * matches). Rules match on users, user groups, verbs, resources (group, resources incl. {@code pods/log} and
 * {@code *}, resourceNames), namespaces and non-resource URLs (with a trailing {@code *}), as upstream's.
 */
public final class AuditPolicy {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** What a rule is matched against. */
  public record Request(UserInfo user, String verb, boolean resourceRequest, String group, String resource,
      String subresource, String namespace, String name, String path) {}

  record GroupResources(String group, List<String> resources, List<String> names) {}

  record Rule(AuditLevel level, List<String> users, List<String> userGroups, List<String> verbs,
      List<GroupResources> resources, List<String> namespaces, List<String> nonResourceUrls) {}

  private final List<Rule> rules;

  AuditPolicy(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  public static AuditPolicy parse(String yaml) throws IOException {
    JsonNode root = YAML.readTree(yaml);
    if (!"Policy".equals(root.path("kind").asText())) {
      throw new IllegalArgumentException("not an audit Policy (kind " + root.path("kind").asText() + ")");
    }
    List<Rule> rules = new ArrayList<>();
    for (JsonNode r : root.path("rules")) {
      List<GroupResources> resources = new ArrayList<>();
      for (JsonNode g : r.path("resources")) {
        resources.add(new GroupResources(g.path("group").asText(""), strings(g.path("resources")),
            strings(g.path("resourceNames"))));
      }
      rules.add(new Rule(AuditLevel.valueOf(r.path("level").asText("None")), strings(r.path("users")),
          strings(r.path("userGroups")), strings(r.path("verbs")), resources, strings(r.path("namespaces")),
          strings(r.path("nonResourceURLs"))));
    }
    return new AuditPolicy(rules);
  }

  public AuditLevel level(Request r) {
    for (Rule rule : rules) {
      if (matches(rule, r)) {
        return rule.level();
      }
    }
    return AuditLevel.None;
  }

  private static boolean matches(Rule rule, Request r) {
    if (!rule.users().isEmpty() && (r.user() == null || !rule.users().contains(r.user().name()))) {
      return false;
    }
    if (!rule.userGroups().isEmpty() && (r.user() == null
        || rule.userGroups().stream().noneMatch(g -> r.user().inGroup(g)))) {
      return false;
    }
    if (!rule.verbs().isEmpty() && !rule.verbs().contains(r.verb())) {
      return false;
    }
    boolean scoped = !rule.resources().isEmpty() || !rule.namespaces().isEmpty();
    if (scoped || !rule.nonResourceUrls().isEmpty()) {
      if (r.resourceRequest()) {
        if (!scoped) {
          return false;
        }
        if (!rule.namespaces().isEmpty() && !rule.namespaces().contains(r.namespace() == null ? "" : r.namespace())) {
          return false;
        }
        if (!rule.resources().isEmpty() && rule.resources().stream().noneMatch(g -> resourceMatches(g, r))) {
          return false;
        }
      } else {
        if (rule.nonResourceUrls().isEmpty()) {
          return false;
        }
        return rule.nonResourceUrls().stream().anyMatch(u -> u.equals(r.path()) || u.equals("*")
            || (u.endsWith("*") && r.path().startsWith(u.substring(0, u.length() - 1))));
      }
    }
    return true;
  }

  private static boolean resourceMatches(GroupResources g, Request r) {
    if (!g.group().equals(r.group() == null ? "" : r.group())) {
      return false;
    }
    if (!g.resources().isEmpty()) {
      String combined = r.subresource() == null || r.subresource().isEmpty() ? r.resource()
          : r.resource() + "/" + r.subresource();
      boolean ok = false;
      for (String res : g.resources()) {
        if (res.equals("*") || res.equals(combined) || res.equals(r.resource() + "/*")
            || (res.startsWith("*/") && r.subresource() != null && res.substring(2).equals(r.subresource()))) {
          ok = true;
          break;
        }
      }
      if (!ok) {
        return false;
      }
    }
    return g.names().isEmpty() || (r.name() != null && g.names().contains(r.name()));
  }

  private static List<String> strings(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.forEach(v -> out.add(v.asText()));
    return out;
  }

  /**
   * The policy written at first start: no health probes; secrets, config maps and token requests at Metadata (their
   * bodies hold credentials); other writes with their request body; everything else at Metadata.
   */
  static final String DEFAULT = """
      # Written by the Quarkube API server at first start (audit.k8s.io/v1 Policy). Edit and restart to change.
      apiVersion: audit.k8s.io/v1
      kind: Policy
      omitStages:
        - RequestReceived
      rules:
        - level: None
          nonResourceURLs: ["/healthz*", "/livez*", "/readyz*", "/version", "/metrics"]
        - level: None
          users: ["system:kube-proxy"]
          verbs: ["watch"]
        - level: None
          userGroups: ["system:nodes"]
          verbs: ["get", "update"]
          resources:
            - group: "coordination.k8s.io"
              resources: ["leases"]
        - level: None
          resources:
            - group: ""
              resources: ["events"]
        - level: Metadata
          resources:
            - group: ""
              resources: ["secrets", "configmaps", "serviceaccounts/token"]
            - group: "authentication.k8s.io"
              resources: ["tokenreviews"]
        - level: Request
          verbs: ["create", "update", "patch", "delete", "deletecollection"]
        - level: Metadata
      """;
}
