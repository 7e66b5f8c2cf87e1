package io.quarkube.apiserver.registry.batch;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.registry.Strategy;
import io.quarkube.apiserver.registry.core.PodSpecDefaults;
import io.quarkube.apiserver.registry.core.PodSpecValidator;
import io.quarkube.apiserver.selection.LabelSelectors;
import io.quarkube.apiserver.validation.GoSyntax;
import io.quarkube.machinery.status.WorkloadStatuses;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Jobs (upstream's {@code pkg/registry/batch/job/strategy.go}): unless {@code spec.manualSelector} is true, a new Job
 * gets labels unique to it on its pod template and a selector on its own uid, so that no two Jobs ever select each
 * other's pods ({@code kubectl logs job/x}, {@code -o wide}'s SELECTOR and the job controller rely on it).
 */
public final class JobStrategy implements Strategy<Job> {
  static final String CONTROLLER_UID = "batch.kubernetes.io/controller-uid";
  static final String JOB_NAME = "batch.kubernetes.io/job-name";
  static final String LEGACY_CONTROLLER_UID = "controller-uid";
  static final String LEGACY_JOB_NAME = "job-name";
  private static final String TEMPLATE_METADATA = "spec.template.metadata";

  @Override
  public boolean tracksGeneration() {
    return true;
  }

  @Override
  public void prepareForCreate(Job job) {
    defaults(job);
    WorkloadStatuses.normalize(job.getStatus());
    JobSpec spec = job.getSpec();
    if (spec == null || spec.getTemplate() == null) {
      return; // refused by validation
    }
    if (!Boolean.TRUE.equals(spec.getManualSelector())) {
      generateSelector(job);
    }
    // Upstream defaults a Job's empty labels from its template's each time it decodes one, so what it reads back
    // after the create carries the generated labels too.
    if (isEmpty(job.getMetadata().getLabels())) {
      job.getMetadata().setLabels(new LinkedHashMap<>(templateLabels(spec.getTemplate())));
    }
  }

  @Override
  public void prepareForUpdate(Job job, Job old) {
    defaults(job);
    WorkloadStatuses.normalize(job.getStatus()); // as upstream serializes it: no active/succeeded/failed 0
    // Jobs stored before selectors were generated have none; they get theirs on their next write, so that the
    // write is not refused for a selector the user never had to give.
    JobSpec spec = job.getSpec();
    boolean oldHadNone = old.getSpec() == null || old.getSpec().getSelector() == null;
    if (oldHadNone && spec != null && spec.getSelector() == null && spec.getTemplate() != null
        && !Boolean.TRUE.equals(spec.getManualSelector())) {
      generateSelector(job);
    }
  }

  /** SetDefaults_Job, and the pod template's defaults as for pods. */
  private static void defaults(Job job) {
    JobSpec spec = job.getSpec();
    if (spec == null) {
      return;
    }
    if (spec.getCompletions() == null && spec.getParallelism() == null) {
      spec.setCompletions(1);
    }
    if (spec.getParallelism() == null) {
      spec.setParallelism(1);
    }
    if (spec.getBackoffLimit() == null) {
      spec.setBackoffLimit(spec.getBackoffLimitPerIndex() != null ? Integer.MAX_VALUE : 6);
    }
    if (spec.getTemplate() != null && spec.getTemplate().getMetadata() != null
        && spec.getTemplate().getMetadata().getLabels() != null && isEmpty(job.getMetadata().getLabels())) {
      job.getMetadata().setLabels(new LinkedHashMap<>(spec.getTemplate().getMetadata().getLabels()));
    }
    if (spec.getCompletionMode() == null) {
      spec.setCompletionMode("NonIndexed");
    }
    if (spec.getSuspend() == null) {
      spec.setSuspend(false);
    }
    if (spec.getPodReplacementPolicy() == null) {
      spec.setPodReplacementPolicy(spec.getPodFailurePolicy() != null ? "Failed" : "TerminatingOrFailed");
    }
    if (spec.getManualSelector() == null) {
      spec.setManualSelector(false);
    }
    PodSpecDefaults.apply(spec.getTemplate());
  }

  /**
   * Adds the Job's name and uid to its template's labels (unless the user set those keys: a conflicting value is then
   * refused by validation) and selects the uid label. A selector the user gave is kept and extended, which
   * validation then refuses as "not auto-generated".
   */
  private static void generateSelector(Job job) {
    PodTemplateSpec template = job.getSpec().getTemplate();
    if (template.getMetadata() == null) {
      template.setMetadata(new ObjectMeta());
    }
    Map<String, String> labels = template.getMetadata().getLabels() == null ? new LinkedHashMap<>()
        : new LinkedHashMap<>(template.getMetadata().getLabels());
    String name = job.getMetadata().getName();
    String uid = job.getMetadata().getUid();
    labels.putIfAbsent(LEGACY_JOB_NAME, name);
    labels.putIfAbsent(JOB_NAME, name);
    labels.putIfAbsent(LEGACY_CONTROLLER_UID, uid);
    labels.putIfAbsent(CONTROLLER_UID, uid);
    template.getMetadata().setLabels(labels);
    LabelSelector selector = job.getSpec().getSelector();
    if (selector == null) {
      selector = new LabelSelector();
      job.getSpec().setSelector(selector);
    }
    Map<String, String> matchLabels = selector.getMatchLabels() == null ? new LinkedHashMap<>()
        : new LinkedHashMap<>(selector.getMatchLabels());
    matchLabels.putIfAbsent(CONTROLLER_UID, uid);
    selector.setMatchLabels(matchLabels);
  }

  @Override
  public List<FieldError> validate(Job job) {
    return validate(job, true);
  }

  @Override
  public List<FieldError> validateUpdate(Job job, Job old) {
    // Jobs stored before the prefixed labels existed keep only the legacy ones (unless generated just now).
    boolean prefixed = old.getSpec() == null || old.getSpec().getSelector() == null
        || old.getSpec().getTemplate() != null
        && templateLabels(old.getSpec().getTemplate()).containsKey(CONTROLLER_UID);
    List<FieldError> errors = validate(job, prefixed);
    if (job.getSpec() != null && old.getSpec() != null
        && old.getSpec().getSelector() != null
        && !Objects.equals(job.getSpec().getSelector(), old.getSpec().getSelector())) {
      errors.add(FieldError.invalid("spec.selector", GoSyntax.labelSelector(job.getSpec().getSelector()),
          "field is immutable"));
    }
    if (job.getSpec() != null && old.getSpec() != null) {
      immutable("spec.backoffLimitPerIndex", job.getSpec().getBackoffLimitPerIndex(),
          old.getSpec().getBackoffLimitPerIndex(), errors);
      immutable("spec.successPolicy", job.getSpec().getSuccessPolicy(), old.getSpec().getSuccessPolicy(), errors);
    }
    return errors;
  }

  private static List<FieldError> validate(Job job, boolean requirePrefixedLabels) {
    List<FieldError> errors = new ArrayList<>();
    JobSpec spec = job.getSpec();
    if (spec == null || spec.getTemplate() == null) {
      errors.add(FieldError.required("spec.template", ""));
      return errors;
    }
    generatedSelector(job, requirePrefixedLabels, errors);
    PodTemplateSpec template = spec.getTemplate();
    Map<String, String> labels = templateLabels(template);
    if (spec.getSelector() == null) {
      errors.add(FieldError.required("spec.selector", ""));
    } else if (!LabelSelectors.matches(spec.getSelector(), labels)) {
      errors.add(FieldError.invalid("spec.template.metadata.labels", GoSyntax.stringMap(labels),
          "`selector` does not match template `labels`"));
    }
    validateSpec(spec, "spec", errors);
    return errors;
  }

  /**
   * Upstream's validateJobSpec, for a Job's spec ({@code path} "spec") and a CronJob's job template
   * ({@code spec.jobTemplate.spec}): counts, completion mode, the template's restart policy and pod spec.
   */
  static void validateSpec(JobSpec spec, String path, List<FieldError> errors) {
    nonNegative(path + ".parallelism", spec.getParallelism(), errors);
    nonNegative(path + ".completions", spec.getCompletions(), errors);
    nonNegative(path + ".activeDeadlineSeconds", spec.getActiveDeadlineSeconds(), errors);
    nonNegative(path + ".backoffLimit", spec.getBackoffLimit(), errors);
    nonNegative(path + ".ttlSecondsAfterFinished", spec.getTtlSecondsAfterFinished(), errors);
    String mode = spec.getCompletionMode();
    if (mode != null && !"NonIndexed".equals(mode) && !"Indexed".equals(mode)) {
      errors.add(FieldError.notSupported(path + ".completionMode", mode, List.of("NonIndexed", "Indexed")));
    }
    IndexedJobValidation.validate(spec, path, errors);
    PodTemplateSpec template = spec.getTemplate();
    String policy = template == null || template.getSpec() == null ? null : template.getSpec().getRestartPolicy();
    // The pod defaults turn an unset restartPolicy into Always: both mean the user did not choose one.
    if (policy == null || policy.isEmpty() || "Always".equals(policy)) {
      errors.add(FieldError.required(path + ".template.spec.restartPolicy",
          "valid values: \"OnFailure\", \"Never\""));
    } else if (!"OnFailure".equals(policy) && !"Never".equals(policy)) {
      errors.add(FieldError.notSupported(path + ".template.spec.restartPolicy", policy,
          List.of("OnFailure", "Never")));
    }
    if (template != null) {
      PodSpecValidator.validate(template.getSpec(), path + ".template.spec", errors);
    }
  }

  /**
   * Upstream's validateGeneratedSelector: without manualSelector the template must carry the Job's own name and uid
   * labels, and the selector must select exactly what they identify.
   */
  private static void generatedSelector(Job job, boolean requirePrefixedLabels, List<FieldError> errors) {
    JobSpec spec = job.getSpec();
    if (Boolean.TRUE.equals(spec.getManualSelector()) || spec.getSelector() == null) {
      return;
    }
    String uid = job.getMetadata().getUid();
    String name = job.getMetadata().getName();
    if (uid == null || uid.isEmpty()) {
      errors.add(FieldError.required("metadata.uid", ""));
    }
    Map<String, String> labels = templateLabels(spec.getTemplate());
    hasLabel(labels, LEGACY_CONTROLLER_UID, uid, errors);
    hasLabel(labels, LEGACY_JOB_NAME, name, errors);
    Map<String, String> expected = new LinkedHashMap<>();
    if (requirePrefixedLabels) {
      hasLabel(labels, CONTROLLER_UID, uid, errors);
      hasLabel(labels, JOB_NAME, name, errors);
      expected.put(CONTROLLER_UID, uid);
      expected.put(JOB_NAME, name);
    }
    expected.put(LEGACY_CONTROLLER_UID, uid);
    expected.put(LEGACY_JOB_NAME, name);
    if (!LabelSelectors.matches(spec.getSelector(), expected)) {
      errors.add(FieldError.invalid("spec.selector", GoSyntax.labelSelector(spec.getSelector()),
          "`selector` not auto-generated"));
    }
  }

  private static void hasLabel(Map<String, String> labels, String key, String expected, List<FieldError> errors) {
    String path = TEMPLATE_METADATA + ".labels[" + key + "]";
    if (!labels.containsKey(key)) {
      errors.add(FieldError.required(path, "must be '" + expected + "'"));
    } else if (!Objects.equals(labels.get(key), expected)) {
      errors.add(FieldError.invalid(path, GoSyntax.stringMap(labels), "must be '" + expected + "'"));
    }
  }

  private static void immutable(String path, Object now, Object before, List<FieldError> errors) {
    if (!Objects.equals(now, before)) {
      errors.add(FieldError.invalid(path, now == null ? "null" : now, "field is immutable"));
    }
  }

  /** Upstream's ValidateNonnegativeField: 422 "must be greater than or equal to 0" for a negative value. */
  static void nonNegative(String path, Number value, List<FieldError> errors) {
    if (value != null && value.longValue() < 0) {
      errors.add(FieldError.invalid(path, value, "must be greater than or equal to 0"));
    }
  }

  private static Map<String, String> templateLabels(PodTemplateSpec template) {
    return template.getMetadata() == null || template.getMetadata().getLabels() == null ? Map.of()
        : template.getMetadata().getLabels();
  }

  private static boolean isEmpty(Map<String, String> map) {
    return map == null || map.isEmpty();
  }
}
