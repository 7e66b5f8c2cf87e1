package io.quarkube.scheduler.config;

import java.time.Duration;
import java.util.List;

/** The parts of upstream's KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1) Quarkube honours. */
public record SchedulerConfiguration(
    int parallelism,
    int percentageOfNodesToScore,
    Duration podInitialBackoff,
    Duration podMaxBackoff,
    LeaderElection leaderElection,
    List<Profile> profiles) {

  /** leaderElection: the Lease's place and upstream's timings. */
  public record LeaderElection(boolean leaderElect, Duration leaseDuration, Duration renewDeadline,
      Duration retryPeriod, String resourceNamespace, String resourceName) {
    public static final LeaderElection DEFAULT = new LeaderElection(true, Duration.ofSeconds(15),
        Duration.ofSeconds(10), Duration.ofSeconds(2), "kube-system", "kube-scheduler");
  }

  public Profile profile(String schedulerName) {
    for (Profile p : profiles) {
      if (p.schedulerName().equals(schedulerName)) {
        return p;
      }
    }
    return null;
  }
}
