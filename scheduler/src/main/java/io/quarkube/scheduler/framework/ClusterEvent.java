package io.quarkube.scheduler.framework;

/**
 * A change in the cluster that may make unschedulable pods schedulable. Plugins register the events they care
 * about; a pod turned down by plugins P only goes back to the active queue on an event one of P registered.
 */
public record ClusterEvent(Resource resource, int actions, String label) {
  /** The kinds of objects whose changes the queue reacts to. */
  public enum Resource {
    ASSIGNED_POD, UNSCHEDULED_POD, NODE, PERSISTENT_VOLUME, PERSISTENT_VOLUME_CLAIM, STORAGE_CLASS, CSI_NODE,
    POD_DISRUPTION_BUDGET, NAMESPACE, SERVICE, WILDCARD
  }

  public static final int ADD = 1;
  public static final int DELETE = 1 << 1;
  public static final int UPDATE_NODE_ALLOCATABLE = 1 << 2;
  public static final int UPDATE_NODE_LABEL = 1 << 3;
  public static final int UPDATE_NODE_TAINT = 1 << 4;
  public static final int UPDATE_NODE_CONDITION = 1 << 5;
  public static final int UPDATE_POD_LABEL = 1 << 6;
  public static final int UPDATE_POD_SCALE_DOWN = 1 << 7;
  public static final int UPDATE_OTHER = 1 << 8;
  public static final int UPDATE = UPDATE_NODE_ALLOCATABLE | UPDATE_NODE_LABEL | UPDATE_NODE_TAINT
      | UPDATE_NODE_CONDITION | UPDATE_POD_LABEL | UPDATE_POD_SCALE_DOWN | UPDATE_OTHER;
  public static final int ALL = ADD | DELETE | UPDATE;

  public static final ClusterEvent NODE_ADD = new ClusterEvent(Resource.NODE, ADD, "NodeAdd");
  public static final ClusterEvent ASSIGNED_POD_DELETE = new ClusterEvent(Resource.ASSIGNED_POD, DELETE,
      "AssignedPodDelete");
  public static final ClusterEvent ASSIGNED_POD_ADD = new ClusterEvent(Resource.ASSIGNED_POD, ADD, "AssignedPodAdd");
  /** Used for periodic flushes and errors: matches every registration. */
  public static final ClusterEvent UNSCHEDULABLE_TIMEOUT = new ClusterEvent(Resource.WILDCARD, ALL,
      "UnschedulableTimeout");

  public static ClusterEvent of(Resource r, int actions) {
    return new ClusterEvent(r, actions, r + "/" + actions);
  }

  /** Whether this (a registration) covers {@code happened}. */
  public boolean covers(ClusterEvent happened) {
    if (resource == Resource.WILDCARD || happened.resource == Resource.WILDCARD) {
      return (actions & happened.actions) != 0;
    }
    return resource == happened.resource && (actions & happened.actions) != 0;
  }
}
