package io.quarkube.scheduler.framework;

/** Decides whether a pod may enter the active queue at all (scheduling gates). */
public interface PreEnqueuePlugin extends Plugin {
  Status preEnqueue(PodInfo pod);
}
