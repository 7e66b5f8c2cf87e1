package io.quarkube.apiserver.authz;

import io.quarkube.apiserver.auth.Authorizer.Decision;

/** An authorizer's answer and, for denials, why (appended to the Forbidden message as upstream does). */
public record Verdict(Decision decision, String reason) {
  public static final Verdict NO_OPINION = new Verdict(Decision.NO_OPINION, "");

  public static Verdict allow(String reason) {
    return new Verdict(Decision.ALLOW, reason);
  }

  public static Verdict deny(String reason) {
    return new Verdict(Decision.DENY, reason);
  }

  public static Verdict noOpinion(String reason) {
    return new Verdict(Decision.NO_OPINION, reason);
  }

  public boolean allowed() {
    return decision == Decision.ALLOW;
  }
}
