package io.quarkube.apiserver.endpoints;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * What a resource URL names, parsed like upstream's {@code RequestInfoFactory}: {@code /api/v1/namespaces/ns/pods/x/log}
 * is group "", version v1, namespace ns, resource pods, name x, subresource log.
 */
public record RequestInfo(String group, String version, String namespace, String resource, String name,
    String subresource, String verb) {

  /** Namespace subresources: {@code namespaces/x/status} names the namespace x, not a resource "status" in x. */
  private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

  /**
   * Parses the part of the path after {@code /api/v1/} or {@code /apis/g/v/}; returns null when the path is not a
   * resource path.
   */
  public static RequestInfo parse(String group, String version, String rest, String method, boolean watch) {
    List<String> parts = Arrays.stream(rest.split("/")).filter(s -> !s.isEmpty()).toList();
    if (parts.isEmpty()) {
      return null;
    }
    String namespace = null;
    if (parts.get(0).equals("namespaces") && parts.size() > 2 && !NAMESPACE_SUBRESOURCES.contains(parts.get(2))) {
      namespace = parts.get(1);
      parts = parts.subList(2, parts.size());
    } else if (parts.get(0).equals("namespaces") && parts.size() >= 2) {
      // namespaces/<name>[/status|finalize]: the namespace object itself, which lives in no namespace.
      namespace = null;
    }
    String resource = parts.get(0);
    String name = parts.size() > 1 ? parts.get(1) : null;
    String subresource = parts.size() > 2 ? String.join("/", parts.subList(2, parts.size())) : null;
    if (parts.size() > 3 && parts.get(2).equals("proxy")) {
      // pods/x/proxy/<path>: the path is the proxy's, not part of the subresource (as upstream's RequestInfo).
      subresource = "proxy";
    }
    if (parts.get(0).equals("namespaces") && parts.size() >= 2) {
      name = parts.get(1);
    }
    return new RequestInfo(group, version, namespace, resource, name, subresource, verb(method, name, watch));
  }

  private static String verb(String method, String name, boolean watch) {
    return switch (method) {
      case "GET", "HEAD" -> watch ? "watch" : name == null ? "list" : "get";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> name == null ? "deletecollection" : "delete";
      default -> method.toLowerCase();
    };
  }
}
