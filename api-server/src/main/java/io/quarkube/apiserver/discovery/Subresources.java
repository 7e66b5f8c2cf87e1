package io.quarkube.apiserver.discovery;

import io.quarkube.apiserver.resource.ResourceDefinition;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * How discovery describes each subresource: its verbs and the kind it answers with. Upstream derives these from the
 * REST storage behind each subresource; here they are a table, matching what a 1.32 kube-apiserver lists under
 * {@code /api/v1} and {@code /apis/apps/v1}.
 */
final class Subresources {

  /**
   * The discovery shape of one subresource.
   *
   * @param group the group of the response kind, or null for the parent resource's group
   * @param version the version of the response kind, or null for the parent resource's version
   * @param kind the response kind
   */
  record Shape(String group, String version, String kind, List<String> verbs) {

    /** Whether the response kind lives in another group version than the parent (upstream then names it). */
    boolean foreign() {
      return group != null;
    }
  }

  private static final List<String> GET_PATCH_UPDATE = List.of("get", "patch", "update");
  private static final List<String> CREATE_GET = List.of("create", "get");
  private static final List<String> PROXY_VERBS = List.of("create", "delete", "get", "patch", "update");

  private static final Map<String, Function<ResourceDefinition, Shape>> SHAPES = Map.ofEntries(
      Map.entry("status", d -> local(d.kind(), GET_PATCH_UPDATE)),
      Map.entry("ephemeralcontainers", d -> local(d.kind(), GET_PATCH_UPDATE)),
      Map.entry("resize", d -> local(d.kind(), GET_PATCH_UPDATE)),
      Map.entry("finalize", d -> local(d.kind(), List.of("update"))),
      Map.entry("log", d -> local(d.kind(), List.of("get"))),
      Map.entry("binding", d -> local("Binding", List.of("create"))),
      Map.entry("exec", d -> local("PodExecOptions", CREATE_GET)),
      Map.entry("attach", d -> local("PodAttachOptions", CREATE_GET)),
      Map.entry("portforward", d -> local("PodPortForwardOptions", CREATE_GET)),
      // PodProxyOptions, NodeProxyOptions, ServiceProxyOptions
      Map.entry("proxy", d -> local(d.kind() + "ProxyOptions", PROXY_VERBS)),
      // kubectl drain looks for exactly this group/version/kind before it POSTs evictions.
      Map.entry("eviction", d -> new Shape("policy", "v1", "Eviction", List.of("create"))),
      Map.entry("scale", d -> new Shape("autoscaling", "v1", "Scale", GET_PATCH_UPDATE)),
      Map.entry("token", d -> new Shape("authentication.k8s.io", "v1", "TokenRequest", List.of("create"))));

  private Subresources() {}

  /** The shape of {@code parent/subresource}; an unknown subresource is described like {@code status}. */
  static Shape of(ResourceDefinition parent, String subresource) {
    Function<ResourceDefinition, Shape> f = SHAPES.get(subresource);
    return f == null ? local(parent.kind(), GET_PATCH_UPDATE) : f.apply(parent);
  }

  private static Shape local(String kind, List<String> verbs) {
    return new Shape(null, null, kind, verbs);
  }
}
