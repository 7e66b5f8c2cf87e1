package io.quarkube.scheduler.app;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.quarkube.scheduler.cache.SchedulerCache;
import io.quarkube.scheduler.core.Scheduler;
import io.quarkube.scheduler.framework.ClusterEvent;
import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.queue.SchedulingQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * Turns informer notifications into cache and queue changes (upstream's eventhandlers.go): bound pods go to the
 * cache, pending pods of our profiles to the queue, and every change that may help a waiting pod becomes a
 * {@link ClusterEvent} for the queue.
 */
final class EventHandlers {
  private final SchedulerCache cache;
  private final SchedulingQueue queue;
  private final Set<String> profileNames;
  private final ToIntFunction<Pod> priority;

  EventHandlers(SchedulerCache cache, SchedulingQueue queue, Set<String> profileNames, ToIntFunction<Pod> priority) {
    this.cache = cache;
    this.queue = queue;
    this.profileNames = profileNames;
    this.priority = priority;
  }

  private PodInfo info(Pod pod) {
    return new PodInfo(pod, priority.applyAsInt(pod));
  }

  static boolean assigned(Pod pod) {
    return pod.getSpec().getNodeName() != null && !pod.getSpec().getNodeName().isEmpty();
  }

  static boolean terminal(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  private boolean responsible(Pod pod) {
    return profileNames.contains(Scheduler.schedulerName(pod));
  }

  ResourceEventHandler<Pod> pods() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(Pod pod) {
        if (terminal(pod)) {
          return;
        }
        if (assigned(pod)) {
          cache.addPod(info(pod));
          queue.moveAllToActiveOrBackoff(ClusterEvent.ASSIGNED_POD_ADD);
        } else if (responsible(pod) && pod.getMetadata().getDeletionTimestamp() == null) {
          queue.add(info(pod));
        }
      }

      @Override
      public void onUpdate(Pod oldPod, Pod newPod) {
        if (Objects.equals(oldPod.getMetadata().getResourceVersion(), newPod.getMetadata().getResourceVersion())) {
          return;
        }
        boolean wasAssigned = assigned(oldPod);
        boolean isAssigned = assigned(newPod);
        if (isAssigned) {
          // Each PodInfo works out the pod's requests and affinity terms: one per object per update.
          PodInfo before = info(oldPod);
          PodInfo after = info(newPod);
          if (!wasAssigned) {
            // Bound (by us — this confirms the assumed pod — or by someone else): leave the queue.
            queue.delete(before);
          }
          if (terminal(newPod)) {
            cache.removePod(after);
            queue.moveAllToActiveOrBackoff(ClusterEvent.ASSIGNED_POD_DELETE);
            return;
          }
          cache.updatePod(after);
          int actions = 0;
          if (!wasAssigned) {
            actions |= ClusterEvent.ADD;
          }
          if (!Objects.equals(oldPod.getMetadata().getLabels(), newPod.getMetadata().getLabels())) {
            actions |= ClusterEvent.UPDATE_POD_LABEL;
          }
          if (after.requests().milliCpu < before.requests().milliCpu
              || after.requests().memory < before.requests().memory) {
            actions |= ClusterEvent.UPDATE_POD_SCALE_DOWN;
          }
          if (actions != 0) {
            queue.moveAllToActiveOrBackoff(ClusterEvent.of(ClusterEvent.Resource.ASSIGNED_POD, actions));
          }
          return;
        }
        if (!responsible(newPod)) {
          if (responsible(oldPod)) {
            queue.delete(info(oldPod));
          }
          return;
        }
        if (newPod.getMetadata().getDeletionTimestamp() != null || terminal(newPod)) {
          queue.delete(info(newPod));
          return;
        }
        queue.update(info(oldPod), info(newPod));
      }

      @Override
      public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
        if (assigned(pod)) {
          cache.removePod(info(pod));
          queue.moveAllToActiveOrBackoff(ClusterEvent.ASSIGNED_POD_DELETE);
        } else {
          queue.delete(info(pod));
        }
      }
    };
  }

  ResourceEventHandler<Node> nodes() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(Node node) {
        cache.addOrUpdateNode(node);
        queue.moveAllToActiveOrBackoff(ClusterEvent.NODE_ADD);
      }

      @Override
      public void onUpdate(Node oldNode, Node newNode) {
        if (Objects.equals(oldNode.getMetadata().getResourceVersion(), newNode.getMetadata().getResourceVersion())) {
          return;
        }
        cache.addOrUpdateNode(newNode);
        int actions = nodeChanges(oldNode, newNode);
        if (actions != 0) {
          queue.moveAllToActiveOrBackoff(ClusterEvent.of(ClusterEvent.Resource.NODE, actions));
        }
      }

      @Override
      public void onDelete(Node node, boolean deletedFinalStateUnknown) {
        cache.removeNode(node.getMetadata().getName());
      }
    };
  }

  /** Which parts of a node changed, as ClusterEvent action bits (heartbeats alone change nothing). */
  static int nodeChanges(Node a, Node b) {
    int actions = 0;
    if (!Objects.equals(a.getStatus() == null ? null : a.getStatus().getAllocatable(),
        b.getStatus() == null ? null : b.getStatus().getAllocatable())) {
      actions |= ClusterEvent.UPDATE_NODE_ALLOCATABLE;
    }
    if (!Objects.equals(a.getMetadata().getLabels(), b.getMetadata().getLabels())) {
      actions |= ClusterEvent.UPDATE_NODE_LABEL;
    }
    if (!Objects.equals(a.getSpec() == null ? null : a.getSpec().getTaints(),
        b.getSpec() == null ? null : b.getSpec().getTaints())
        || !Objects.equals(a.getSpec() == null ? null : a.getSpec().getUnschedulable(),
            b.getSpec() == null ? null : b.getSpec().getUnschedulable())) {
      actions |= ClusterEvent.UPDATE_NODE_TAINT;
    }
    if (!conditionStates(a).equals(conditionStates(b))) {
      actions |= ClusterEvent.UPDATE_NODE_CONDITION;
    }
    return actions;
  }

  private static List<String> conditionStates(Node n) {
    List<String> out = new ArrayList<>();
    if (n.getStatus() != null && n.getStatus().getConditions() != null) {
      for (NodeCondition c : n.getStatus().getConditions()) {
        out.add(c.getType() + "=" + c.getStatus());
      }
    }
    return out;
  }

  /** A handler that only turns changes of some resource into a queue event. */
  <T> ResourceEventHandler<T> moveOn(ClusterEvent.Resource resource) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        queue.moveAllToActiveOrBackoff(ClusterEvent.of(resource, ClusterEvent.ADD));
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        queue.moveAllToActiveOrBackoff(ClusterEvent.of(resource, ClusterEvent.UPDATE_OTHER));
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        queue.moveAllToActiveOrBackoff(ClusterEvent.of(resource, ClusterEvent.DELETE));
      }
    };
  }
}
