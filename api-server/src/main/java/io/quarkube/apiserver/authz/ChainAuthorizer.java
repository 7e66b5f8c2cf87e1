package io.quarkube.apiserver.authz;

import io.quarkube.apiserver.auth.Authorizer;
import io.quarkube.apiserver.auth.UserInfo;
import io.quarkube.apiserver.endpoints.RequestInfo;
import io.quarkube.apiserver.security.RequestContexts;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The authorization stage (upstream's {@code --authorization-mode=Node,RBAC} behind the system:masters shortcut):
 * asks each authorizer in turn until one allows or denies. A refusal is thrown as upstream's Forbidden Status, so
 * the caller never has to word it.
 */
public final class ChainAuthorizer implements Authorizer {
  private final List<AccessAuthorizer> authorizers;
  private final BooleanSupplier ready;

  /** @param ready blocks until the caches are filled (true) or gives up (false, which fails closed) */
  public ChainAuthorizer(List<AccessAuthorizer> authorizers, BooleanSupplier ready) {
    this.authorizers = List.copyOf(authorizers);
    this.ready = ready;
  }

  public Verdict decide(Attributes a) {
    if (a.user() != null && a.user().inGroup(UserInfo.MASTERS)) {
      return Verdict.allow("");
    }
    if (!ready.getAsBoolean()) {
      return Verdict.noOpinion("the authorization caches are not ready yet");
    }
    List<String> reasons = new ArrayList<>();
    for (AccessAuthorizer authorizer : authorizers) {
      Verdict v = authorizer.authorize(a);
      if (v.decision() != Decision.NO_OPINION) {
        return v;
      }
      if (!v.reason().isEmpty()) {
        reasons.add(v.reason());
      }
    }
    return Verdict.noOpinion(String.join(", ", reasons));
  }

  /** Throws upstream's Forbidden unless allowed. */
  public void check(Attributes a) {
    Verdict v = decide(a);
    if (!v.allowed()) {
      throw Forbidden.of(a, v.reason());
    }
  }

  @Override
  public Decision authorize(UserInfo user, RequestInfo request) {
    Attributes a = Attributes.of(user, request);
    RoutingContext ctx = RequestContexts.current();
    if (ctx != null && a.name().isEmpty() && (a.verb().equals("list") || a.verb().equals("watch"))) {
      // As upstream: a list or watch narrowed to one name by field selector is authorized as that name.
      String fs = ctx.queryParams().get("fieldSelector");
      String name = exactName(fs);
      if (name != null) {
        a = new Attributes(a.user(), a.verb(), a.namespace(), a.apiGroup(), a.apiVersion(), a.resource(),
            a.subresource(), name, a.path(), true);
      }
    }
    Verdict v = decide(a);
    if (ctx != null) {
      ctx.put(RequestContexts.DECISION, v.allowed() ? "allow" : "forbid");
      ctx.put(RequestContexts.REASON, v.reason());
    }
    if (!v.allowed()) {
      throw Forbidden.of(a, v.reason());
    }
    return Decision.ALLOW;
  }

  static String exactName(String fieldSelector) {
    if (fieldSelector == null || fieldSelector.isEmpty()) {
      return null;
    }
    for (String term : fieldSelector.split(",")) {
      String t = term.trim();
      for (String op : List.of("metadata.name==", "metadata.name=")) {
        if (t.startsWith(op) && !t.startsWith("metadata.name!=")) {
          return t.substring(op.length());
        }
      }
    }
    return null;
  }
}
