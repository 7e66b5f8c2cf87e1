package io.quarkube.apiserver.authz;

/** RBAC: allows what some applicable rule allows, and otherwise has no opinion (RBAC never denies outright). */
public final class RbacAuthorizer implements AccessAuthorizer {
  private final RbacRules rules;

  public RbacAuthorizer(RbacRules rules) {
    this.rules = rules;
  }

  @Override
  public Verdict authorize(Attributes a) {
    return rules.allows(a.user(), a) ? Verdict.allow("RBAC: allowed") : Verdict.NO_OPINION;
  }
}
