package io.quarkube.controllers.job;

import io.fabric8.kubernetes.api.model.batch.v1.SuccessPolicy;
import io.fabric8.kubernetes.api.model.batch.v1.SuccessPolicyRule;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * An Indexed Job's {@code spec.successPolicy} (upstream 1.32's matchSuccessPolicy): the first rule whose
 * {@code succeededIndexes} all succeeded (or at least {@code succeededCount} of them), or, without indexes, under which
 * at least {@code succeededCount} indexes succeeded, declares the Job succeeded while other indexes may still run.
 */
final class SuccessPolicies {
  static final String REASON = "SuccessPolicy";

  private SuccessPolicies() {}

  /** Upstream's condition message for the first matching rule, if one matches. */
  static Optional<String> match(SuccessPolicy policy, int completions, TreeSet<Integer> succeeded) {
    if (policy == null || policy.getRules() == null) {
      return Optional.empty();
    }
    List<SuccessPolicyRule> rules = policy.getRules();
    for (int i = 0; i < rules.size(); i++) {
      if (matches(rules.get(i), completions, succeeded)) {
        return Optional.of("Matched rules at index " + i);
      }
    }
    return Optional.empty();
  }

  private static boolean matches(SuccessPolicyRule rule, int completions, TreeSet<Integer> succeeded) {
    Integer count = rule.getSucceededCount();
    if (rule.getSucceededIndexes() == null) {
      return count != null && succeeded.size() >= count;
    }
    TreeSet<Integer> wanted = JobController.parseRanges(rule.getSucceededIndexes());
    wanted.removeIf(i -> i >= completions);
    long hits = wanted.stream().filter(succeeded::contains).count();
    return count == null ? hits == wanted.size() : hits >= count;
  }
}
