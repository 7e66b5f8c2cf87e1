package io.quarkube.apiserver.registry.batch;

import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpec;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.registry.Strategy;
import io.quarkube.apiserver.registry.core.PodSpecDefaults;
import io.quarkube.machinery.cron.CronSchedule;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * CronJobs (upstream's {@code pkg/registry/batch/cronjob/strategy.go} and the CronJob rules of
 * {@code pkg/apis/batch/validation}): the schedule must parse as the CronJob controller reads it, the time zone must
 * exist, and a new CronJob may not carry its zone in the schedule. Refused writes are 422 Invalid and store nothing.
 */
public final class CronJobStrategy implements Strategy<CronJob> {
  /** The controller names its Jobs {@code <cronjob>-<minutes since the epoch>}: 11 characters on a 63 limit. */
  static final int MAX_NAME_LENGTH = 52;
  private static final List<String> CONCURRENCY_POLICIES = List.of("Allow", "Forbid", "Replace");
  /** One path component of a tz database name (upstream tolerates digits and '+' for legacy names). */
  private static final Pattern TIME_ZONE_PART = Pattern.compile("[A-Za-z.\\-_0-9+]{1,14}");

  @Override
  public boolean tracksGeneration() {
    return true;
  }

  @Override
  public void prepareForCreate(CronJob cj) {
    defaults(cj);
  }

  @Override
  public void prepareForUpdate(CronJob cj, CronJob old) {
    defaults(cj);
  }

  /** SetDefaults_CronJob, and the pod template's defaults as for pods. */
  private static void defaults(CronJob cj) {
    CronJobSpec spec = cj.getSpec();
    if (spec == null) {
      return;
    }
    if (spec.getConcurrencyPolicy() == null) {
      spec.setConcurrencyPolicy("Allow");
    }
    if (spec.getSuspend() == null) {
      spec.setSuspend(false);
    }
    if (spec.getSuccessfulJobsHistoryLimit() == null) {
      spec.setSuccessfulJobsHistoryLimit(3);
    }
    if (spec.getFailedJobsHistoryLimit() == null) {
      spec.setFailedJobsHistoryLimit(1);
    }
    if (spec.getJobTemplate() != null && spec.getJobTemplate().getSpec() != null) {
      PodSpecDefaults.apply(spec.getJobTemplate().getSpec().getTemplate());
    }
  }

  /** ValidateCronJobCreate. */
  @Override
  public List<FieldError> validate(CronJob cj) {
    List<FieldError> errors = new ArrayList<>();
    validateSpec(cj.getSpec(), null, errors);
    String name = cj.getMetadata().getName();
    if (name != null && name.length() > MAX_NAME_LENGTH) {
      errors.add(FieldError.invalid("metadata.name", name, "must be no more than 52 characters"));
    }
    return errors;
  }

  /**
   * ValidateCronJobUpdate: no name limit (older CronJobs may exceed it), and the zone checked only when changed. A
   * write that leaves the spec as stored (status, labels) is not refused for it: upstream does not validate status
   * writes, and a CronJob stored before these rules existed must stay manageable.
   */
  @Override
  public List<FieldError> validateUpdate(CronJob cj, CronJob old) {
    List<FieldError> errors = new ArrayList<>();
    if (Objects.equals(cj.getSpec(), old.getSpec())) {
      return errors;
    }
    validateSpec(cj.getSpec(), old.getSpec() == null ? new CronJobSpec() : old.getSpec(), errors);
    return errors;
  }

  /** validateCronJobSpec; {@code old} is null on create. */
  static void validateSpec(CronJobSpec spec, CronJobSpec old, List<FieldError> errors) {
    if (spec == null) {
      errors.add(FieldError.required("spec.schedule", ""));
      return;
    }
    String schedule = spec.getSchedule();
    if (schedule == null || schedule.isEmpty()) {
      errors.add(FieldError.required("spec.schedule", ""));
    } else {
      // CronJobs stored with a zone in their schedule keep it; new ones use spec.timeZone.
      boolean allowTzInSchedule = old != null && old.getSchedule() != null && old.getSchedule().contains("TZ");
      validateSchedule(schedule, allowTzInSchedule, spec.getTimeZone(), errors);
    }
    JobStrategy.nonNegative("spec.startingDeadlineSeconds", spec.getStartingDeadlineSeconds(), errors);
    if (old == null || !Objects.equals(old.getTimeZone(), spec.getTimeZone())) {
      validateTimeZone(spec.getTimeZone(), errors);
    }
    String policy = spec.getConcurrencyPolicy();
    if (policy == null || policy.isEmpty()) {
      errors.add(FieldError.required("spec.concurrencyPolicy", ""));
    } else if (!CONCURRENCY_POLICIES.contains(policy)) {
      errors.add(FieldError.notSupported("spec.concurrencyPolicy", policy, CONCURRENCY_POLICIES));
    }
    JobStrategy.nonNegative("spec.successfulJobsHistoryLimit", spec.getSuccessfulJobsHistoryLimit(), errors);
    JobStrategy.nonNegative("spec.failedJobsHistoryLimit", spec.getFailedJobsHistoryLimit(), errors);
    validateJobTemplate(spec.getJobTemplate(), errors);
  }

  /**
   * ValidateJobTemplateSpec: the Jobs it makes must be valid Jobs (else every start time only gave a FailedCreate
   * event), and their selector is the API server's to generate (a manual one is refused).
   */
  static void validateJobTemplate(JobTemplateSpec template, List<FieldError> errors) {
    JobSpec job = template == null ? null : template.getSpec();
    if (job == null || job.getTemplate() == null) {
      errors.add(FieldError.required("spec.jobTemplate.spec.template", ""));
      return;
    }
    JobStrategy.validateSpec(job, "spec.jobTemplate.spec", errors);
    if (Boolean.TRUE.equals(job.getManualSelector())) {
      errors.add(FieldError.notSupported("spec.jobTemplate.spec.manualSelector", true, List.of("nil", "false")));
    }
  }

  /** validateScheduleFormat: the parser's own message, then the rule about a zone inside the schedule. */
  static void validateSchedule(String schedule, boolean allowTzInSchedule, String timeZone,
      List<FieldError> errors) {
    try {
      CronSchedule.parse(schedule, ZoneOffset.UTC);
    } catch (IllegalArgumentException e) {
      errors.add(FieldError.invalid("spec.schedule", schedule, e.getMessage()));
    }
    boolean tzInSchedule = schedule.contains("TZ");
    if (allowTzInSchedule && tzInSchedule && timeZone != null) {
      errors.add(FieldError.invalid("spec.schedule", schedule,
          "cannot use both timeZone field and TZ or CRON_TZ in schedule"));
    } else if (!allowTzInSchedule && tzInSchedule) {
      errors.add(FieldError.invalid("spec.schedule", schedule,
          "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"));
    }
  }

  /** validateTimeZone: unset is fine (the controller's zone); else a name from the tz database. */
  static void validateTimeZone(String timeZone, List<FieldError> errors) {
    if (timeZone == null) {
      return;
    }
    String path = "spec.timeZone";
    if (timeZone.isEmpty()) {
      errors.add(FieldError.invalid(path, timeZone, "timeZone must be nil or non-empty string"));
      return;
    }
    for (String part : timeZone.split("/", -1)) {
      if (part.equals(".") || part.equals("..") || part.startsWith("-")
          || !TIME_ZONE_PART.matcher(part).matches()) {
        errors.add(FieldError.invalid(path, timeZone, "unknown time zone " + timeZone));
        return;
      }
    }
    if (timeZone.equalsIgnoreCase("Local")) {
      errors.add(FieldError.invalid(path, timeZone,
          "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"));
    }
    if (CronSchedule.location(timeZone) == null) {
      errors.add(FieldError.invalid(path, timeZone, "unknown time zone " + timeZone));
    }
  }
}
