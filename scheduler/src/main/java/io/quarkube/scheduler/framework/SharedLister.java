package io.quarkube.scheduler.framework;

import java.util.List;

/** The node infos of the current cycle's snapshot (read-only for plugins). */
public interface SharedLister {
  List<NodeInfo> nodeInfos();

  List<NodeInfo> havePodsWithAffinity();

  List<NodeInfo> havePodsWithRequiredAntiAffinity();

  NodeInfo get(String nodeName);
}
