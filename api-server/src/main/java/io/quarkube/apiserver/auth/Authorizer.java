package io.quarkube.apiserver.auth;

import io.quarkube.apiserver.endpoints.RequestInfo;

/**
 * Decides whether a user may do what a request asks. The security chain (RBAC, Node) plugs in here; until then
 * every authenticated user is allowed, which is what {@link AllowAuthenticated} says out loud.
 */
public interface Authorizer {
  Decision authorize(UserInfo user, RequestInfo request);

  enum Decision {
    ALLOW,
    DENY,
    NO_OPINION
  }

  /** Every authenticated caller may do everything: the stage before RBAC exists. */
  final class AllowAuthenticated implements Authorizer {
    @Override
    public Decision authorize(UserInfo user, RequestInfo request) {
      return Decision.ALLOW;
    }
  }
}
