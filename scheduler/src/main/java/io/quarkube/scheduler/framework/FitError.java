package io.quarkube.scheduler.framework;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * No node fits the pod. {@link #getMessage()} is upstream's text, which users and tools grep for:
 * {@code 0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {a: b}.} followed by the
 * PostFilter (preemption) message when there is one.
 */
public class FitError extends Exception {
  private final int numAllNodes;
  private final Diagnosis diagnosis;

  public FitError(int numAllNodes, Diagnosis diagnosis) {
    super(null, null, false, false);
    this.numAllNodes = numAllNodes;
    this.diagnosis = diagnosis;
  }

  public Diagnosis diagnosis() {
    return diagnosis;
  }

  public int numAllNodes() {
    return numAllNodes;
  }

  @Override
  public String getMessage() {
    StringBuilder msg = new StringBuilder("0/").append(numAllNodes).append(" nodes are available:");
    if (!diagnosis.preFilterMsg.isEmpty()) {
      msg.append(' ').append(diagnosis.preFilterMsg).append('.');
    } else {
      Map<String, Integer> reasons = new HashMap<>();
      diagnosis.nodeToStatus.forEachExplicit((node, s) -> {
        for (String r : s.reasons()) {
          reasons.merge(r, 1, Integer::sum);
        }
      });
      int absent = numAllNodes - diagnosis.nodeToStatus.size();
      if (absent > 0) {
        for (String r : diagnosis.nodeToStatus.absentStatus().reasons()) {
          reasons.merge(r, absent, Integer::sum);
        }
      }
      List<String> parts = new ArrayList<>();
      reasons.forEach((r, n) -> parts.add(n + " " + r));
      // Upstream sorts the "<count> <reason>" strings as strings, so "10 x" sorts before "2 y".
      parts.sort(null);
      if (!parts.isEmpty()) {
        msg.append(' ').append(String.join(", ", parts)).append('.');
      }
    }
    if (!diagnosis.postFilterMsg.isEmpty()) {
      msg.append(' ').append(diagnosis.postFilterMsg);
    }
    return msg.toString();
  }
}
