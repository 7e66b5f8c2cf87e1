package io.quarkube.controllers.replicaset;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.util.Map;

/**
 * What the replica controller needs to know about the kind it manages: ReplicaSet and ReplicationController share
 * one controller (as upstream runs the ReplicaSet code for ReplicationControllers) and differ only here.
 */
interface ReplicatedKind<T extends HasMetadata> {
  Class<T> type();

  /** The {@code --controllers} name. */
  String controllerName();

  /** The events' source component. */
  String component();

  int replicas(T obj);

  int minReadySeconds(T obj);

  PodTemplateSpec template(T obj);

  /** Whether pod {@code labels} match the object's selector (an empty selector matches nothing). */
  boolean selects(T obj, Map<String, String> labels);

  ReplicaStatus status(T obj);

  /** A copy of {@code obj} with {@code status}. */
  T withStatus(T obj, ReplicaStatus status);
}
