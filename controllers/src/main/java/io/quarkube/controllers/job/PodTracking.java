package io.quarkube.controllers.job;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.UncountedTerminatedPods;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Upstream's job tracking with finalizers: every pod a Job creates carries {@link #FINALIZER}, so it cannot vanish
 * (pod GC, a user's delete, a node's eviction) before its success or failure is counted. A finished pod's uid is
 * first written to the Job's {@code status.uncountedTerminatedPods}, then its finalizer is removed, then the uid moves
 * into {@code succeeded}/{@code failed}: a controller that dies in between finds the uid in the status and neither
 * loses nor doubles the count. Indexed Jobs need no succeeded uids: the index in {@code completedIndexes} is the
 * record.
 *
 * <p>The removals this controller asked for and its informer has not seen yet are remembered per Job (upstream's
 * finalizer expectations), so a pod still showing the finalizer in a stale cache is not counted twice.
 */
final class PodTracking {
  static final String FINALIZER = "batch.kubernetes.io/job-tracking";

  private final Map<String, Set<String>> expectedRemovals = new ConcurrentHashMap<>();

  static boolean tracked(Pod p) {
    List<String> f = p.getMetadata().getFinalizers();
    return f != null && f.contains(FINALIZER);
  }

  void expectRemoval(String jobKey, String uid) {
    expectedRemovals.computeIfAbsent(jobKey, k -> ConcurrentHashMap.newKeySet()).add(uid);
  }

  void removalObserved(String jobKey, String uid) {
    expectedRemovals.computeIfPresent(jobKey, (k, uids) -> {
      uids.remove(uid);
      return uids.isEmpty() ? null : uids;
    });
  }

  /** The uids of the Job's pods whose finalizer removal is on its way. */
  Set<String> expectedRemovals(String jobKey) {
    Set<String> uids = expectedRemovals.get(jobKey);
    return uids == null ? Set.of() : Set.copyOf(uids);
  }

  void forget(String jobKey) {
    expectedRemovals.remove(jobKey);
  }

  /** The uids of a Job's status.uncountedTerminatedPods, as two ordered sets to add to and take from. */
  static final class Uncounted {
    final Set<String> succeeded = new LinkedHashSet<>();
    final Set<String> failed = new LinkedHashSet<>();

    static Uncounted of(UncountedTerminatedPods status) {
      Uncounted u = new Uncounted();
      if (status != null) {
        if (status.getSucceeded() != null) {
          u.succeeded.addAll(status.getSucceeded());
        }
        if (status.getFailed() != null) {
          u.failed.addAll(status.getFailed());
        }
      }
      return u;
    }

    boolean isEmpty() {
      return succeeded.isEmpty() && failed.isEmpty();
    }

    /** As the API server stores it: empty lists left out. */
    UncountedTerminatedPods toStatus() {
      UncountedTerminatedPods out = new UncountedTerminatedPods();
      out.setSucceeded(succeeded.isEmpty() ? null : new ArrayList<>(succeeded));
      out.setFailed(failed.isEmpty() ? null : new ArrayList<>(failed));
      return out;
    }
  }
}
