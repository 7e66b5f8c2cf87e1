package io.quarkube.scheduler.framework;

import java.time.Duration;

/** The last say before binding: approve, deny, or make the pod wait (at most the returned timeout). */
public interface PermitPlugin extends Plugin {
  Result permit(CycleState state, PodInfo pod, String nodeName);

  /** A status and, for WAIT, how long to wait at most. */
  record Result(Status status, Duration timeout) {
    public static final Result ALLOW = new Result(Status.SUCCESS, Duration.ZERO);

    public static Result waitFor(Duration d) {
      return new Result(Status.of(Code.WAIT), d);
    }
  }
}
