package io.quarkube.scheduler.framework;

import java.util.HashSet;
import java.util.Set;

/** What PreFilter returns besides its status: the only nodes worth filtering ({@code null} = all). */
public record PreFilterResult(Set<String> nodeNames) {
  public static final PreFilterResult ALL = new PreFilterResult(null);

  public boolean allNodes() {
    return nodeNames == null;
  }

  /** Intersection of two results (null = all). */
  public PreFilterResult merge(PreFilterResult o) {
    if (o == null || o.allNodes()) {
      return this;
    }
    if (allNodes()) {
      return o;
    }
    Set<String> s = new HashSet<>(nodeNames);
    s.retainAll(o.nodeNames);
    return new PreFilterResult(s);
  }
}
