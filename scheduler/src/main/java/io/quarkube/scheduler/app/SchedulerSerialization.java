package io.quarkube.scheduler.app;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.quarkube.client.LeanSerialization;

/**
 * The client's serialization ({@link LeanSerialization}, which reads watch events straight into their classes) minus
 * what no scheduling decision looks at and what makes up much of a pod's JSON (managed fields are skipped by every
 * LeanSerialization): a container's command, environment, probes and mounts, the containers' statuses
 * ({@link ReadOnlyWhatSchedulingUses}). The scheduler never writes a pod it read (it binds, patches the status and
 * deletes), so nothing is lost on the server; writing still includes every field.
 */
final class SchedulerSerialization extends LeanSerialization {
  @Override
  protected void configureMapper(ObjectMapper mapper) {
    super.configureMapper(mapper);
    mapper.addMixIn(Container.class, ReadOnlyWhatSchedulingUses.ContainerFields.class);
    mapper.addMixIn(PodStatus.class, ReadOnlyWhatSchedulingUses.Status.class);
  }

  /** Fields skipped when reading (the parser passes over them without building anything); written as usual. */
  static final class ReadOnlyWhatSchedulingUses {
    private ReadOnlyWhatSchedulingUses() {}

    /** A container's name, image, ports, resources and restartPolicy (sidecars) stay. */
    @JsonIgnoreProperties(value = {"command", "args", "env", "envFrom", "workingDir", "volumeMounts", "volumeDevices",
        "livenessProbe", "readinessProbe", "startupProbe", "lifecycle", "securityContext", "terminationMessagePath",
        "terminationMessagePolicy", "imagePullPolicy", "stdin", "stdinOnce", "tty", "resizePolicy"},
        allowGetters = true)
    abstract static class ContainerFields {}

    /** Phase, conditions, nominatedNodeName, startTime (preemption's victim order) and the IPs stay. */
    @JsonIgnoreProperties(value = {"containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"},
        allowGetters = true)
    abstract static class Status {}
  }
}
