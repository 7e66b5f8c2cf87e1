package io.quarkube.kubelet.server;

/**
 * What a kubelet API request asks for in RBAC terms, as upstream's kubelet maps it (pkg/kubelet/server/auth.go):
 * the verb from the HTTP method, the resource {@code nodes/<node>} and a subresource from the path: {@code stats} for
 * {@code /stats/...}, {@code metrics} for {@code /metrics/...}, {@code log} for {@code /logs/...}, {@code spec} for
 * {@code /spec/...}, and {@code proxy} for everything else (pods, exec, attach, port-forward, container logs).
 */
record KubeletRequestAttributes(String verb, String subresource, String node) {

  static KubeletRequestAttributes of(String method, String path, String node) {
    String verb = switch (method) {
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> "delete";
      default -> "get";
    };
    String subresource = "proxy";
    if (is(path, "/stats")) {
      subresource = "stats";
    } else if (is(path, "/metrics")) {
      subresource = "metrics";
    } else if (is(path, "/logs")) {
      subresource = "log";
    } else if (is(path, "/spec")) {
      subresource = "spec";
    }
    return new KubeletRequestAttributes(verb, subresource, node);
  }

  private static boolean is(String path, String prefix) {
    return path.equals(prefix) || path.startsWith(prefix + "/");
  }

  /** Upstream's text for a refused request. */
  String forbiddenMessage(String user) {
    return "Forbidden (user=" + user + ", verb=" + verb + ", resource=nodes, subresource=" + subresource + ")";
  }
}
