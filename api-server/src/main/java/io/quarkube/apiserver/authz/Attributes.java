package io.quarkube.apiserver.authz;

import io.quarkube.apiserver.auth.UserInfo;
import io.quarkube.apiserver.endpoints.RequestInfo;

/**
 * What an authorizer decides about (upstream's {@code authorizer.Attributes}): a user, a verb, and either a resource
 * (group, resource, subresource, namespace, name) or a non-resource path.
 */
public record Attributes(UserInfo user, String verb, String namespace, String apiGroup, String apiVersion,
    String resource, String subresource, String name, String path, boolean resourceRequest) {

  public Attributes {
    namespace = nullToEmpty(namespace);
    apiGroup = nullToEmpty(apiGroup);
    apiVersion = nullToEmpty(apiVersion);
    resource = nullToEmpty(resource);
    subresource = nullToEmpty(subresource);
    name = nullToEmpty(name);
    path = nullToEmpty(path);
  }

  public static Attributes resource(UserInfo user, String verb, String namespace, String group, String resource,
      String subresource, String name) {
    return new Attributes(user, verb, namespace, group, "*", resource, subresource, name, "", true);
  }

  public static Attributes nonResource(UserInfo user, String verb, String path) {
    return new Attributes(user, verb, "", "", "", "", "", "", path, false);
  }

  /**
   * A parsed resource URL as upstream's RequestInfoFactory sees it: a namespace object's own namespace is its name,
   * so a RoleBinding in namespace x may grant reading namespace x.
   */
  public static Attributes of(UserInfo user, RequestInfo info) {
    String namespace = info.namespace();
    if (info.group().isEmpty() && "namespaces".equals(info.resource()) && info.name() != null) {
      namespace = info.name();
    }
    return new Attributes(user, info.verb(), namespace, info.group(), info.version(), info.resource(),
        info.subresource(), info.name(), "", true);
  }

  public Attributes withUser(UserInfo other) {
    return new Attributes(other, verb, namespace, apiGroup, apiVersion, resource, subresource, name, path,
        resourceRequest);
  }

  /** {@code pods} or {@code pods/log}: how rules name what is asked for. */
  public String combinedResource() {
    return subresource.isEmpty() ? resource : resource + "/" + subresource;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
