package io.quarkube.apiserver.authz;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.StatusDetailsBuilder;
import io.quarkube.apiserver.errors.ApiException;

/** Upstream's 403 for a refused request: {@code pods "x" is forbidden: User "u" cannot get resource ...}. */
public final class Forbidden {
  private Forbidden() {}

  public static String message(Attributes a) {
    String user = a.user() == null ? "" : a.user().name();
    if (!a.resourceRequest()) {
      return "User \"" + user + "\" cannot " + a.verb() + " path \"" + a.path() + "\"";
    }
    String resource = a.combinedResource();
    if (!a.namespace().isEmpty()) {
      return "User \"" + user + "\" cannot " + a.verb() + " resource \"" + resource + "\" in API group \""
          + a.apiGroup() + "\" in the namespace \"" + a.namespace() + "\"";
    }
    return "User \"" + user + "\" cannot " + a.verb() + " resource \"" + resource + "\" in API group \""
        + a.apiGroup() + "\" at the cluster scope";
  }

  public static ApiException of(Attributes a, String reason) {
    String err = message(a) + (reason == null || reason.isEmpty() ? "" : ": " + reason);
    return forbidden(a.apiGroup(), a.resource(), a.name(), err);
  }

  /** A Forbidden Status for {@code group/resource "name"}, as upstream's {@code NewForbidden} words it. */
  public static ApiException forbidden(String group, String resource, String name, String err) {
    String qualified = resource == null || resource.isEmpty() ? ""
        : group == null || group.isEmpty() ? resource : resource + "." + group;
    String message;
    if (qualified.isEmpty()) {
      message = "forbidden: " + err;
    } else if (name == null || name.isEmpty()) {
      message = qualified + " is forbidden: " + err;
    } else {
      message = qualified + " \"" + name + "\" is forbidden: " + err;
    }
    StatusDetailsBuilder details = new StatusDetailsBuilder().withKind(resource == null || resource.isEmpty() ? null
        : resource);
    if (group != null && !group.isEmpty()) {
      details.withGroup(group);
    }
    if (name != null && !name.isEmpty()) {
      details.withName(name);
    }
    Status s = new StatusBuilder().withNewMetadata().endMetadata().withStatus("Failure").withMessage(message)
        .withReason("Forbidden").withCode(403).withDetails(details.build()).build();
    return new ApiException(s);
  }
}
