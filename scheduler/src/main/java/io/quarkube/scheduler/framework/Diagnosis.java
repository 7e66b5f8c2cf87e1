package io.quarkube.scheduler.framework;

import java.util.HashSet;
import java.util.Set;

/** What a failed scheduling attempt found: per-node statuses and the plugins that turned the pod down. */
public final class Diagnosis {
  public final NodeToStatus nodeToStatus = new NodeToStatus();
  public final Set<String> unschedulablePlugins = new HashSet<>();
  public String preFilterMsg = "";
  public String postFilterMsg = "";

  public void addPluginStatus(Status s) {
    if (s.plugin() != null && s.isRejected()) {
      unschedulablePlugins.add(s.plugin());
    }
  }
}
