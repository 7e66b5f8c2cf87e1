package io.quarkube.controllers.gc;

import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.List;

/**
 * A dependent's owners sorted as upstream's {@code classifyReferences}: <em>solid</em> owners exist and are not
 * being deleted in the foreground; <em>dangling</em> owners are gone (or were re-created with another uid);
 * <em>waiting</em> owners are being deleted in the foreground and wait for their dependents to go.
 */
record OwnerClassification(List<OwnerReference> solid, List<OwnerReference> dangling, List<OwnerReference> waiting) {

  /** What to do with the dependent. */
  enum Action { KEEP, REMOVE_REFS, DELETE_FOREGROUND, DELETE }

  Action action(boolean hasOwnDependents) {
    if (!solid.isEmpty()) {
      return dangling.isEmpty() && waiting.isEmpty() ? Action.KEEP : Action.REMOVE_REFS;
    }
    if (!waiting.isEmpty() && hasOwnDependents) {
      return Action.DELETE_FOREGROUND;
    }
    return Action.DELETE;
  }
}
