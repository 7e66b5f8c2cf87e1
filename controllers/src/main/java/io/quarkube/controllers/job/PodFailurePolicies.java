package io.quarkube.controllers.job;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyOnExitCodesRequirement;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyOnPodConditionsPattern;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Job's {@code podFailurePolicy}, applied to one failed pod as upstream does: the first rule whose
 * {@code onExitCodes} (a container, or any, terminated with a non-zero code In/NotIn the values) or
 * {@code onPodConditions} (a condition of that type and status) matches decides: FailJob ends the Job at once, Ignore
 * leaves the failure out of the backoff count, Count counts it as usual, FailIndex (with backoffLimitPerIndex) fails
 * the pod's index at once.
 */
final class PodFailurePolicies {
  static final String FAIL_JOB = "FailJob";
  static final String IGNORE = "Ignore";
  static final String FAIL_INDEX = "FailIndex";

  /** The action of the matching rule and upstream's message for it. */
  record Decision(String action, String message) {}

  private PodFailurePolicies() {}

  static Optional<Decision> evaluate(Job job, Pod pod) {
    var policy = job.getSpec().getPodFailurePolicy();
    if (policy == null || policy.getRules() == null) {
      return Optional.empty();
    }
    String podName = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    List<PodFailurePolicyRule> rules = policy.getRules();
    for (int i = 0; i < rules.size(); i++) {
      PodFailurePolicyRule rule = rules.get(i);
      if (rule.getOnExitCodes() != null) {
        Optional<ContainerStatus> hit = exitCodeMatch(pod, rule.getOnExitCodes());
        if (hit.isPresent()) {
          return Optional.of(new Decision(rule.getAction(), "Container " + hit.get().getName() + " for pod "
              + podName + " failed with exit code " + hit.get().getState().getTerminated().getExitCode()
              + " matching " + rule.getAction() + " rule at index " + i));
        }
      } else if (rule.getOnPodConditions() != null) {
        for (PodFailurePolicyOnPodConditionsPattern pattern : rule.getOnPodConditions()) {
          String status = pattern.getStatus() == null ? "True" : pattern.getStatus();
          if (hasCondition(pod, pattern.getType(), status)) {
            return Optional.of(new Decision(rule.getAction(), "Pod " + podName + " has condition "
                + pattern.getType() + " matching " + rule.getAction() + " rule at index " + i));
          }
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<ContainerStatus> exitCodeMatch(Pod pod, PodFailurePolicyOnExitCodesRequirement req) {
    List<ContainerStatus> statuses = new ArrayList<>();
    if (pod.getStatus() != null && pod.getStatus().getInitContainerStatuses() != null) {
      statuses.addAll(pod.getStatus().getInitContainerStatuses());
    }
    if (pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null) {
      statuses.addAll(pod.getStatus().getContainerStatuses());
    }
    boolean in = !"NotIn".equals(req.getOperator());
    List<Integer> values = req.getValues() == null ? List.of() : req.getValues();
    for (ContainerStatus s : statuses) {
      if (req.getContainerName() != null && !req.getContainerName().equals(s.getName())) {
        continue;
      }
      if (s.getState() == null || s.getState().getTerminated() == null) {
        continue;
      }
      Integer code = s.getState().getTerminated().getExitCode();
      if (code == null || code == 0) {
        continue; // a success never matches, whatever the operator
      }
      if (values.contains(code) == in) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  private static boolean hasCondition(Pod pod, String type, String status) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return false;
    }
    for (PodCondition c : pod.getStatus().getConditions()) {
      if (type.equals(c.getType()) && status.equals(c.getStatus())) {
        return true;
      }
    }
    return false;
  }
}
