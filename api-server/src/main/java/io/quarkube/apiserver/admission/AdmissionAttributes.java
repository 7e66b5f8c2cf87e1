package io.quarkube.apiserver.admission;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.apiserver.auth.UserInfo;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.resource.ResourceDefinition;
import java.util.List;
import java.util.Map;

/**
 * What admission webhooks and admission policies both see of a request, as upstream's admission attributes: the
 * rules that select requests (operations, groups, versions, resources with subresources, scope) and the
 * {@code admission.k8s.io} AdmissionRequest fields that describe it (kind, resource, name, namespace, operation,
 * user).
 */
public final class AdmissionAttributes {
  private AdmissionAttributes() {}

  public static boolean isNamespace(ResourceDefinition d) {
    return d.group().isEmpty() && d.resource().equals("namespaces");
  }

  /** Upstream's rule matching: each list matches with {@code *} or the value; resources as "res/sub" patterns. */
  public static boolean ruleMatches(List<String> operations, List<String> apiGroups, List<String> apiVersions,
      List<String> resources, String scope, AdmissionRequest r, ResourceDefinition d) {
    return anyOf(operations, r.operation().name()) && anyOf(apiGroups, d.group()) && anyOf(apiVersions, d.version())
        && resourceMatches(resources, d.resource(), r.subresource() == null ? "" : r.subresource())
        && scopeMatches(scope, r);
  }

  private static boolean anyOf(List<String> values, String actual) {
    return values != null && (values.contains("*") || values.contains(actual));
  }

  private static boolean resourceMatches(List<String> patterns, String resource, String subresource) {
    if (patterns == null) {
      return false;
    }
    for (String p : patterns) {
      int slash = p.indexOf('/');
      String res = slash < 0 ? p : p.substring(0, slash);
      String sub = slash < 0 ? "" : p.substring(slash + 1);
      if ((res.equals("*") || res.equals(resource)) && (sub.equals("*") || sub.equals(subresource))) {
        return true;
      }
    }
    return false;
  }

  private static boolean scopeMatches(String scope, AdmissionRequest r) {
    if (scope == null || scope.isEmpty() || scope.equals("*")) {
      return true;
    }
    boolean namespaceObject = isNamespace(r.resource());
    boolean inNamespace = r.namespace() != null && !r.namespace().isEmpty();
    return switch (scope) {
      case "Namespaced" -> !namespaceObject && inNamespace;
      case "Cluster" -> namespaceObject || !inNamespace;
      default -> false;
    };
  }

  /** The request's object name: the one in the URL, else the new object's; "" without either. */
  public static String name(AdmissionRequest r) {
    if (r.name() != null && !r.name().isEmpty()) {
      return r.name();
    }
    if (r.object() != null && r.object().getMetadata() != null && r.object().getMetadata().getName() != null) {
      return r.object().getMetadata().getName();
    }
    return "";
  }

  /**
   * The AdmissionRequest fields describing {@code r} (without uid, objects and options), naming {@code matched} as
   * its kind and resource (an equivalent match's version) and the request's own as requestKind/requestResource.
   */
  public static ObjectNode request(AdmissionRequest r, ResourceDefinition matched) {
    ResourceDefinition actual = r.resource();
    ObjectNode req = Json.MAPPER.createObjectNode();
    req.set("kind", kind(matched, r));
    req.set("resource", resource(matched));
    if (r.subresource() != null) {
      req.put("subResource", r.subresource());
    }
    req.set("requestKind", kind(actual, r));
    req.set("requestResource", resource(actual));
    if (r.subresource() != null) {
      req.put("requestSubResource", r.subresource());
    }
    String name = name(r);
    if (!name.isEmpty()) {
      req.put("name", name);
    }
    String namespace = isNamespace(actual) ? name : r.namespace();
    if (namespace != null && !namespace.isEmpty()) {
      req.put("namespace", namespace);
    }
    req.put("operation", r.operation().name());
    req.set("userInfo", userInfo(r.user()));
    return req;
  }

  /** A connect request's kind is its options' (PodExecOptions, PodAttachOptions...), as upstream's connecters. */
  private static ObjectNode kind(ResourceDefinition d, AdmissionRequest r) {
    String kind = r.operation() == AdmissionRequest.Operation.CONNECT && r.object() != null ? r.object().getKind()
        : d.kind();
    return Json.MAPPER.createObjectNode().put("group", d.group()).put("version", d.version()).put("kind", kind);
  }

  private static ObjectNode resource(ResourceDefinition d) {
    return Json.MAPPER.createObjectNode().put("group", d.group()).put("version", d.version())
        .put("resource", d.resource());
  }

  private static ObjectNode userInfo(UserInfo user) {
    ObjectNode u = Json.MAPPER.createObjectNode();
    if (user == null) {
      return u;
    }
    u.put("username", user.name());
    if (!user.uid().isEmpty()) {
      u.put("uid", user.uid());
    }
    ArrayNode groups = u.putArray("groups");
    user.groups().forEach(groups::add);
    if (!user.extra().isEmpty()) {
      ObjectNode extra = u.putObject("extra");
      for (Map.Entry<String, List<String>> e : user.extra().entrySet()) {
        ArrayNode values = extra.putArray(e.getKey());
        e.getValue().forEach(values::add);
      }
    }
    return u;
  }
}
