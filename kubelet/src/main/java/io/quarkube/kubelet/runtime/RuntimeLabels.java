package io.quarkube.kubelet.runtime;

/**
 * Labels and annotations the kubelet puts on CRI sandboxes and containers, with upstream's names, so that the runtime
 * alone tells which pod and container each belongs to (a restarted kubelet adopts what it finds by these).
 */
public final class RuntimeLabels {
  public static final String POD_NAME = "io.kubernetes.pod.name";
  public static final String POD_NAMESPACE = "io.kubernetes.pod.namespace";
  public static final String POD_UID = "io.kubernetes.pod.uid";
  public static final String CONTAINER_NAME = "io.kubernetes.container.name";
  /** Marks the kubelet that made an object, so a runtime shared with other tools is left alone. */
  public static final String MANAGED_BY = "io.quarkube.kubelet";

  public static final String CONTAINER_HASH = "io.kubernetes.container.hash";
  public static final String RESTART_COUNT = "io.kubernetes.container.restartCount";
  public static final String TERMINATION_MESSAGE_PATH = "io.kubernetes.container.terminationMessagePath";
  public static final String TERMINATION_MESSAGE_POLICY = "io.kubernetes.container.terminationMessagePolicy";
  public static final String GRACE_PERIOD = "io.kubernetes.pod.terminationGracePeriod";
  /** "init", "sidecar" or "regular", so status can be split without the pod spec. */
  public static final String CONTAINER_KIND = "io.quarkube.container.kind";

  private RuntimeLabels() {}
}
