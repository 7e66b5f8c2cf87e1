package io.quarkube.apiserver.authz;

/** One authorizer of the chain (Node, RBAC): allows, denies, or has no opinion so the next one decides. */
public interface AccessAuthorizer {
  Verdict authorize(Attributes attributes);
}
