package io.quarkube.scheduler.framework;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FitErrorTest {
  @Test
  void messageCountsReasonsAndSortsThemAsStrings() {
    Diagnosis d = new Diagnosis();
    d.nodeToStatus.set("n1", Status.unschedulable("Insufficient cpu"));
    d.nodeToStatus.set("n2", Status.unresolvable("node(s) had untolerated taint {dedicated: gpu}"));
    d.nodeToStatus.set("n3", Status.unresolvable("node(s) had untolerated taint {dedicated: gpu}"));
    assertEquals("0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {dedicated: gpu}.",
        new FitError(3, d).getMessage());
  }

  @Test
  void oneNodeCanHaveSeveralReasons() {
    Diagnosis d = new Diagnosis();
    d.nodeToStatus.set("n1", Status.unschedulable("Insufficient cpu", "Insufficient memory"));
    assertEquals("0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory.",
        new FitError(1, d).getMessage());
  }

  @Test
  void preFilterMessageReplacesTheHistogramAndPostFilterIsAppended() {
    Diagnosis d = new Diagnosis();
    d.preFilterMsg = "pod has unbound immediate PersistentVolumeClaims";
    d.postFilterMsg = "preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.";
    assertEquals("0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/2 nodes "
        + "are available: 2 Preemption is not helpful for scheduling.", new FitError(2, d).getMessage());
  }

  @Test
  void absentNodesShareTheAbsentStatus() {
    Diagnosis d = new Diagnosis();
    d.nodeToStatus.setAbsentStatus(Status.unresolvable("node(s) didn't satisfy plugin(s) [NodeAffinity]"));
    d.nodeToStatus.set("n1", Status.unschedulable("Insufficient cpu"));
    assertEquals("0/12 nodes are available: 1 Insufficient cpu, 11 node(s) didn't satisfy plugin(s) "
        + "[NodeAffinity].", new FitError(12, d).getMessage());
  }
}
