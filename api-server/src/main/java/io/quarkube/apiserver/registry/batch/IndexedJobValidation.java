package io.quarkube.apiserver.registry.batch;

import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;
import io.fabric8.kubernetes.api.model.batch.v1.SuccessPolicy;
import io.fabric8.kubernetes.api.model.batch.v1.SuccessPolicyRule;
import io.quarkube.apiserver.errors.FieldError;
import java.util.List;

/**
 * The parts of upstream's validateJobSpec that only Indexed Jobs may use (1.32): {@code backoffLimitPerIndex},
 * {@code maxFailedIndexes} with their limits, the podFailurePolicy action {@code FailIndex}, and
 * {@code successPolicy} whose {@code succeededIndexes} use the "0-2,4" interval syntax of completedIndexes.
 */
final class IndexedJobValidation {
  static final int MAX_FAILED_INDEXES = 100_000;
  static final int COMPLETIONS_SOFT_LIMIT = 100_000;
  static final int PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS = 10_000;
  static final int MAX_FAILED_INDEXES_FOR_HIGH_COMPLETIONS = 10_000;
  static final int MAX_SUCCESS_POLICY_RULES = 20;
  static final int MAX_SUCCEEDED_INDEXES_LENGTH = 64 * 1024;

  private IndexedJobValidation() {}

  static void validate(JobSpec spec, String path, List<FieldError> errors) {
    boolean indexed = "Indexed".equals(spec.getCompletionMode());
    Integer perIndex = spec.getBackoffLimitPerIndex();
    Integer maxFailed = spec.getMaxFailedIndexes();
    JobStrategy.nonNegative(path + ".backoffLimitPerIndex", perIndex, errors);
    if (maxFailed != null) {
      JobStrategy.nonNegative(path + ".maxFailedIndexes", maxFailed, errors);
      if (perIndex == null) {
        errors.add(FieldError.required(path + ".backoffLimitPerIndex", "when maxFailedIndexes is specified"));
      }
    }
    Integer completions = spec.getCompletions();
    if (indexed) {
      if (completions != null && maxFailed != null && maxFailed > completions) {
        errors.add(FieldError.invalid(path + ".maxFailedIndexes", maxFailed,
            "must be less than or equal to completions"));
      }
      if (maxFailed != null && maxFailed > MAX_FAILED_INDEXES) {
        errors.add(FieldError.invalid(path + ".maxFailedIndexes", maxFailed,
            "must be less than or equal to " + MAX_FAILED_INDEXES));
      }
      if (completions != null && completions > COMPLETIONS_SOFT_LIMIT && perIndex != null) {
        highCompletions(spec, path, errors);
      }
    } else if ("NonIndexed".equals(spec.getCompletionMode()) || spec.getCompletionMode() == null) {
      if (perIndex != null) {
        errors.add(FieldError.invalid(path + ".backoffLimitPerIndex", perIndex, "requires indexed completion mode"));
      }
      if (maxFailed != null) {
        errors.add(FieldError.invalid(path + ".maxFailedIndexes", maxFailed, "requires indexed completion mode"));
      }
    }
    if (spec.getPodFailurePolicy() != null && spec.getPodFailurePolicy().getRules() != null && perIndex == null) {
      List<PodFailurePolicyRule> rules = spec.getPodFailurePolicy().getRules();
      for (int i = 0; i < rules.size(); i++) {
        if ("FailIndex".equals(rules.get(i).getAction())) {
          errors.add(FieldError.invalid(path + ".podFailurePolicy.rules[" + i + "].action", "FailIndex",
              "requires the backoffLimitPerIndex to be set"));
        }
      }
    }
    if (spec.getSuccessPolicy() != null) {
      if (!indexed) {
        errors.add(FieldError.invalid(path + ".successPolicy", describe(spec.getSuccessPolicy()),
            "requires indexed completion mode"));
      } else {
        successPolicy(spec, path + ".successPolicy", errors);
      }
    }
  }

  private static void highCompletions(JobSpec spec, String path, List<FieldError> errors) {
    String why = " when completions are above " + COMPLETIONS_SOFT_LIMIT + " and used with backoff limit per index";
    Integer maxFailed = spec.getMaxFailedIndexes();
    if (maxFailed == null) {
      errors.add(FieldError.required(path + ".maxFailedIndexes",
          "must be specified when completions is above " + COMPLETIONS_SOFT_LIMIT));
    }
    if (spec.getParallelism() != null && spec.getParallelism() > PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS) {
      errors.add(FieldError.invalid(path + ".parallelism", spec.getParallelism(),
          "must be less than or equal to " + PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS + why));
    }
    if (maxFailed != null && maxFailed > MAX_FAILED_INDEXES_FOR_HIGH_COMPLETIONS) {
      errors.add(FieldError.invalid(path + ".maxFailedIndexes", maxFailed,
          "must be less than or equal to " + MAX_FAILED_INDEXES_FOR_HIGH_COMPLETIONS + why));
    }
  }

  private static void successPolicy(JobSpec spec, String path, List<FieldError> errors) {
    List<SuccessPolicyRule> rules = spec.getSuccessPolicy().getRules() == null ? List.of()
        : spec.getSuccessPolicy().getRules();
    String rulesPath = path + ".rules";
    if (rules.isEmpty()) {
      errors.add(FieldError.required(rulesPath, "at least one rules must be specified when the successPolicy is "
          + "specified"));
    }
    if (rules.size() > MAX_SUCCESS_POLICY_RULES) {
      errors.add(FieldError.preformatted("FieldValueTooMany", rulesPath,
          "Too many: " + rules.size() + ": must have at most " + MAX_SUCCESS_POLICY_RULES + " items"));
    }
    int completions = spec.getCompletions() == null ? 0 : spec.getCompletions();
    for (int i = 0; i < rules.size(); i++) {
      SuccessPolicyRule rule = rules.get(i);
      String rulePath = rulesPath + "[" + i + "]";
      if (rule.getSucceededCount() == null && rule.getSucceededIndexes() == null) {
        errors.add(FieldError.required(rulePath, "at least one of succeededCount or succeededIndexes must be "
            + "specified"));
      }
      int total = 0;
      if (rule.getSucceededIndexes() != null) {
        String indexesPath = rulePath + ".succeededIndexes";
        String indexes = rule.getSucceededIndexes();
        if (indexes.length() > MAX_SUCCEEDED_INDEXES_LENGTH) {
          errors.add(FieldError.preformatted("FieldValueTooLong", indexesPath,
              "Too long: may not be more than " + MAX_SUCCEEDED_INDEXES_LENGTH + " bytes"));
        }
        try {
          total = IndexIntervals.count(indexes, completions);
        } catch (IllegalArgumentException e) {
          errors.add(FieldError.invalid(indexesPath, indexes, "error parsing succeededIndexes: " + e.getMessage()));
        }
      }
      Integer count = rule.getSucceededCount();
      if (count != null) {
        String countPath = rulePath + ".succeededCount";
        JobStrategy.nonNegative(countPath, count, errors);
        if (count > completions) {
          errors.add(FieldError.invalid(countPath, count, "must be less than or equal to " + completions
              + " (the number of specified completions)"));
        }
        if (rule.getSucceededIndexes() != null && count > total) {
          errors.add(FieldError.invalid(countPath, count, "must be less than or equal to " + total
              + " (the number of indexes in the specified succeededIndexes field)"));
        }
      }
    }
  }

  /** How Go's %v prints the policy in the error's value. */
  private static String describe(SuccessPolicy policy) {
    StringBuilder out = new StringBuilder("{Rules:[");
    List<SuccessPolicyRule> rules = policy.getRules() == null ? List.of() : policy.getRules();
    for (int i = 0; i < rules.size(); i++) {
      out.append(i == 0 ? "" : " ").append("{SucceededIndexes:")
          .append(rules.get(i).getSucceededIndexes() == null ? "<nil>" : rules.get(i).getSucceededIndexes())
          .append(" SucceededCount:")
          .append(rules.get(i).getSucceededCount() == null ? "<nil>" : rules.get(i).getSucceededCount())
          .append('}');
    }
    return out.append("]}").toString();
  }
}
