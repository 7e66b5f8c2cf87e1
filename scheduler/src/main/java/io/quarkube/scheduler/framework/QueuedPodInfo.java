package io.quarkube.scheduler.framework;

import java.util.HashSet;
import java.util.Set;

/**
 * A pod waiting in the scheduling queue: its info, when it was (re)queued, how often it was tried, and which plugins
 * turned it down last time (only their events bring it back). Owned by the queue; mutated under its lock.
 */
public final class QueuedPodInfo {
  private PodInfo podInfo;
  /** When it last entered the active queue (queue order tie-break). */
  public long timestampNanos;
  /** When it was first queued (end-to-end latency). */
  public final long initialAttemptNanos;
  /** When the last attempt failed (start of its backoff). */
  public long lastFailureNanos;
  public int attempts;
  public final Set<String> unschedulablePlugins = new HashSet<>();
  public boolean gated;

  public QueuedPodInfo(PodInfo podInfo, long nowNanos) {
    this.podInfo = podInfo;
    this.timestampNanos = nowNanos;
    this.initialAttemptNanos = nowNanos;
  }

  public PodInfo podInfo() {
    return podInfo;
  }

  public void setPodInfo(PodInfo p) {
    this.podInfo = p;
  }

  public String key() {
    return podInfo.key();
  }

  @Override
  public String toString() {
    return podInfo + " (attempts " + attempts + ")";
  }
}
