package io.quarkube.scheduler.framework;

import java.util.List;

/** Plugins that can reject pods say which cluster events may change their mind. */
public interface EnqueueExtensions {
  List<ClusterEvent> eventsToRegister();
}
