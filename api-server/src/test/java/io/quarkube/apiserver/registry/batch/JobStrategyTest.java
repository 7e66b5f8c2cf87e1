package io.quarkube.apiserver.registry.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.quarkube.apiserver.errors.FieldError;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobStrategyTest {
  private final JobStrategy strategy = new JobStrategy();

  /** What {@code kubectl create job j1 --image=busybox -- echo} sends, with the uid the store assigns first. */
  private static Job job(String name, String uid) {
    return new JobBuilder().withNewMetadata().withName(name).withNamespace("ns").withUid(uid).endMetadata()
        .withNewSpec().withNewTemplate().withNewSpec().withRestartPolicy("Never").addNewContainer().withName(name)
        .withImage("busybox:1.35.0").endContainer().endSpec().endTemplate().endSpec().build();
  }

  private List<FieldError> created(Job job) {
    strategy.prepareForCreate(job);
    return strategy.validate(job);
  }

  @Test
  void aNewJobSelectsItsOwnUidAndLabelsItsTemplate() {
    Job job = job("j1", "uid-1");
    assertEquals(List.of(), created(job));
    assertEquals(Map.of("batch.kubernetes.io/controller-uid", "uid-1"), job.getSpec().getSelector().getMatchLabels());
    assertEquals(Map.of("batch.kubernetes.io/controller-uid", "uid-1", "batch.kubernetes.io/job-name", "j1",
        "controller-uid", "uid-1", "job-name", "j1"), job.getSpec().getTemplate().getMetadata().getLabels());
    assertEquals(job.getSpec().getTemplate().getMetadata().getLabels(), job.getMetadata().getLabels());
    assertEquals(Boolean.FALSE, job.getSpec().getManualSelector());
    assertEquals("TerminatingOrFailed", job.getSpec().getPodReplacementPolicy());
  }

  @Test
  void twoJobsNeverSelectEachOthersPods() {
    Job one = job("j1", "uid-1");
    Job two = job("j2", "uid-2");
    created(one);
    created(two);
    assertFalse(io.quarkube.apiserver.selection.LabelSelectors.matches(two.getSpec().getSelector(),
        one.getSpec().getTemplate().getMetadata().getLabels()));
  }

  @Test
  void userTemplateLabelsStayAndBecomeTheJobsLabels() {
    Job job = job("j1", "uid-1");
    job.getSpec().getTemplate().setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
    job.getSpec().getTemplate().getMetadata().setLabels(Map.of("app", "x"));
    assertEquals(List.of(), created(job));
    assertEquals("x", job.getSpec().getTemplate().getMetadata().getLabels().get("app"));
    assertEquals(Map.of("app", "x"), job.getMetadata().getLabels());
  }

  @Test
  void aSelectorWithoutManualSelectorIsRefused() {
    Job job = job("j1", "uid-1");
    job.getSpec().setSelector(new io.fabric8.kubernetes.api.model.LabelSelector(null, Map.of("a", "b")));
    job.getSpec().getTemplate().setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
    job.getSpec().getTemplate().getMetadata().setLabels(Map.of("a", "b"));
    List<FieldError> errors = created(job);
    assertEquals(1, errors.size(), errors.toString());
    assertEquals("spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"a\":\"b\", "
        + "\"batch.kubernetes.io/controller-uid\":\"uid-1\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: "
        + "`selector` not auto-generated", errors.get(0).toString());
  }

  @Test
  void aConflictingJobNameLabelIsRefused() {
    Job job = job("j1", "uid-1");
    job.getSpec().getTemplate().setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
    job.getSpec().getTemplate().getMetadata().setLabels(Map.of("job-name", "other"));
    List<FieldError> errors = created(job);
    assertTrue(errors.stream().anyMatch(e -> e.toString().startsWith(
        "spec.template.metadata.labels[job-name]: Invalid value: map[string]string{")
        && e.toString().endsWith(": must be 'j1'")), errors.toString());
  }

  @Test
  void manualSelectorNeedsASelectorThatMatchesTheTemplate() {
    Job job = job("j1", "uid-1");
    job.getSpec().setManualSelector(true);
    assertEquals(List.of("spec.selector: Required value"), created(job).stream().map(Object::toString).toList());

    Job mismatch = job("j2", "uid-2");
    mismatch.getSpec().setManualSelector(true);
    mismatch.getSpec().setSelector(new io.fabric8.kubernetes.api.model.LabelSelector(null, Map.of("a", "b")));
    assertEquals(List.of("spec.template.metadata.labels: Invalid value: map[string]string{}: "
        + "`selector` does not match template `labels`"), created(mismatch).stream().map(Object::toString).toList());

    Job ok = job("j3", "uid-3");
    ok.getSpec().setManualSelector(true);
    ok.getSpec().setSelector(new io.fabric8.kubernetes.api.model.LabelSelector(null, Map.of("a", "b")));
    ok.getSpec().getTemplate().setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
    ok.getSpec().getTemplate().getMetadata().setLabels(Map.of("a", "b"));
    assertEquals(List.of(), created(ok));
    assertEquals(Map.of("a", "b"), ok.getSpec().getSelector().getMatchLabels());
  }

  @Test
  void theSelectorIsImmutable() {
    Job old = job("j1", "uid-1");
    created(old);
    Job updated = new JobBuilder(old).build();
    updated.getSpec().getSelector().setMatchLabels(Map.of("batch.kubernetes.io/controller-uid", "uid-1",
        "job-name", "j1"));
    strategy.prepareForUpdate(updated, old);
    assertTrue(strategy.validateUpdate(updated, old).stream()
        .anyMatch(e -> e.toString().startsWith("spec.selector: Invalid value: v1.LabelSelector{")
            && e.toString().endsWith(": field is immutable")));
    Job same = new JobBuilder(old).build();
    strategy.prepareForUpdate(same, old);
    assertEquals(List.of(), strategy.validateUpdate(same, old));
  }

  @Test
  void anUnsetRestartPolicyIsRequiredToBeOnFailureOrNever() {
    Job job = job("j1", "uid-1");
    job.getSpec().getTemplate().getSpec().setRestartPolicy(null);
    assertEquals(List.of("spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\""),
        created(job).stream().map(Object::toString).toList());
  }

  @Test
  void aJobStoredWithoutASelectorGetsOneOnItsNextWrite() {
    Job old = job("j1", "uid-1");
    Job updated = new JobBuilder(old).build();
    updated.getMetadata().setLabels(Map.of("touched", "yes"));
    strategy.prepareForUpdate(updated, old);
    assertEquals(List.of(), strategy.validateUpdate(updated, old));
    assertEquals(Map.of("batch.kubernetes.io/controller-uid", "uid-1"),
        updated.getSpec().getSelector().getMatchLabels());
  }

  // ---- backoffLimitPerIndex, maxFailedIndexes, FailIndex, successPolicy (upstream 1.32 validation) ----

  private static Job indexed(int completions) {
    Job j = job("ix", "uid-ix");
    j.getSpec().setCompletionMode("Indexed");
    j.getSpec().setCompletions(completions);
    return j;
  }

  private static List<String> messages(List<FieldError> errors) {
    return errors.stream().map(e -> e.field() + ": " + e.detail()).toList();
  }

  @Test
  void backoffLimitPerIndexDefaultsBackoffLimitToMaxInt32() {
    Job j = indexed(3);
    j.getSpec().setBackoffLimitPerIndex(1);
    assertEquals(List.of(), created(j));
    assertEquals(Integer.MAX_VALUE, j.getSpec().getBackoffLimit());
  }

  @Test
  void perIndexFieldsNeedAnIndexedJob() {
    Job j = job("j1", "uid-1");
    j.getSpec().setBackoffLimitPerIndex(1);
    j.getSpec().setMaxFailedIndexes(1);
    assertEquals(List.of("spec.backoffLimitPerIndex: requires indexed completion mode",
        "spec.maxFailedIndexes: requires indexed completion mode"), messages(created(j)));
  }

  @Test
  void maxFailedIndexesNeedsBackoffLimitPerIndexAndAtMostCompletions() {
    Job j = indexed(2);
    j.getSpec().setMaxFailedIndexes(3);
    assertEquals(List.of("spec.backoffLimitPerIndex: when maxFailedIndexes is specified",
        "spec.maxFailedIndexes: must be less than or equal to completions"), messages(created(j)));
    Job negative = indexed(2);
    negative.getSpec().setBackoffLimitPerIndex(-1);
    assertEquals(List.of("spec.backoffLimitPerIndex: must be greater than or equal to 0"),
        messages(created(negative)));
  }

  @Test
  void manyCompletionsWithBackoffLimitPerIndexNeedMaxFailedIndexes() {
    Job j = indexed(200_000);
    j.getSpec().setBackoffLimitPerIndex(1);
    j.getSpec().setParallelism(20_000);
    assertEquals(List.of("spec.maxFailedIndexes: must be specified when completions is above 100000",
        "spec.parallelism: must be less than or equal to 10000 when completions are above 100000 and used with "
            + "backoff limit per index"), messages(created(j)));
  }

  @Test
  void failIndexNeedsBackoffLimitPerIndex() {
    Job j = indexed(2);
    j.getSpec().setPodFailurePolicy(new io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyBuilder()
        .addNewRule().withAction("FailIndex").withNewOnExitCodes().withOperator("In").withValues(42)
        .endOnExitCodes().endRule().build());
    assertEquals(List.of("spec.podFailurePolicy.rules[0].action: requires the backoffLimitPerIndex to be set"),
        messages(created(j)));
    j.getSpec().setBackoffLimitPerIndex(0);
    assertEquals(List.of(), strategy.validate(j));
  }

  private static Job withSuccessPolicy(Job j, String indexes, Integer count) {
    j.getSpec().setSuccessPolicy(new io.fabric8.kubernetes.api.model.batch.v1.SuccessPolicyBuilder()
        .addNewRule().withSucceededIndexes(indexes).withSucceededCount(count).endRule().build());
    return j;
  }

  @Test
  void successPolicyRules() {
    assertEquals(List.of(), created(withSuccessPolicy(indexed(5), "0,2-4", 2)));
    assertEquals(List.of("spec.successPolicy: requires indexed completion mode"),
        messages(created(withSuccessPolicy(job("j1", "uid-1"), "0", null))));
    assertEquals(List.of("spec.successPolicy.rules[0]: at least one of succeededCount or succeededIndexes must be "
        + "specified"), messages(created(withSuccessPolicy(indexed(3), null, null))));
    assertEquals(List.of("spec.successPolicy.rules[0].succeededIndexes: error parsing succeededIndexes: too large "
        + "index: \"3\""), messages(created(withSuccessPolicy(indexed(3), "1-3", null))));
    assertEquals(List.of("spec.successPolicy.rules[0].succeededIndexes: error parsing succeededIndexes: "
        + "non-increasing order, previous: 2, current: 1"), messages(created(withSuccessPolicy(indexed(3), "2,1",
        null))));
    assertEquals(List.of("spec.successPolicy.rules[0].succeededCount: must be less than or equal to 3 (the number "
        + "of specified completions)", "spec.successPolicy.rules[0].succeededCount: must be less than or equal to 2 "
        + "(the number of indexes in the specified succeededIndexes field)"),
        messages(created(withSuccessPolicy(indexed(3), "0-1", 4))));
    Job empty = indexed(3);
    empty.getSpec().setSuccessPolicy(new io.fabric8.kubernetes.api.model.batch.v1.SuccessPolicy());
    assertEquals(List.of("spec.successPolicy.rules: at least one rules must be specified when the successPolicy is "
        + "specified"), messages(created(empty)));
  }

  @Test
  void backoffLimitPerIndexAndSuccessPolicyAreImmutable() {
    Job old = withSuccessPolicy(indexed(3), "0", null);
    old.getSpec().setBackoffLimitPerIndex(1);
    created(old);
    Job changed = io.fabric8.kubernetes.client.utils.Serialization.clone(old);
    changed.getSpec().setBackoffLimitPerIndex(2);
    changed.getSpec().getSuccessPolicy().getRules().get(0).setSucceededIndexes("1");
    strategy.prepareForUpdate(changed, old);
    assertEquals(List.of("spec.backoffLimitPerIndex: field is immutable", "spec.successPolicy: field is immutable"),
        messages(strategy.validateUpdate(changed, old)));
  }
}
