package io.quarkube.apiserver.authz;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import java.util.List;

/** A terse builder for policy rules, after upstream's {@code rbacv1helpers.NewRule(verbs).Groups(..).Resources(..)}. */
public final class Rules {
  public static final List<String> READ = List.of("get", "list", "watch");
  public static final List<String> WRITE = List.of("create", "delete", "deletecollection", "patch", "update");

  private final PolicyRuleBuilder b = new PolicyRuleBuilder();

  private Rules(List<String> verbs) {
    b.withVerbs(verbs);
  }

  public static Rules verbs(String... verbs) {
    return new Rules(List.of(verbs));
  }

  public static Rules verbs(List<String> verbs) {
    return new Rules(verbs);
  }

  public static Rules read() {
    return new Rules(READ);
  }

  public Rules groups(String... groups) {
    b.withApiGroups(List.of(groups));
    return this;
  }

  public Rules resources(String... resources) {
    b.withResources(List.of(resources));
    return this;
  }

  public Rules names(String... names) {
    b.withResourceNames(List.of(names));
    return this;
  }

  public Rules urls(String... urls) {
    b.withNonResourceURLs(List.of(urls));
    return this;
  }

  public PolicyRule rule() {
    return b.build();
  }
}
