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
}
