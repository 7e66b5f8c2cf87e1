package io.quarkube.apiserver.table;

import static io.quarkube.apiserver.table.Cells.at;
import static io.quarkube.apiserver.table.Cells.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.apiserver.json.Json;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code kubectl get pods}: READY, STATUS, RESTARTS, AGE (wide: IP, NODE, NOMINATED NODE, READINESS GATES). STATUS
 * follows upstream's rules, which users read as the pod's state: the phase, unless an init container is still
 * working ({@code Init:1/2}, {@code Init:CrashLoopBackOff}), a container is waiting or terminated with a reason
 * ({@code ContainerCreating}, {@code CrashLoopBackOff}, {@code Completed}), or the pod is being deleted
 * ({@code Terminating}).
 */
final class PodPrinter implements Printer {
  private static final List<Column> COLUMNS = List.of(
      Column.objectName(),
      Column.string("Ready", "The aggregate readiness state of this pod for accepting traffic."),
      Column.string("Status", "The aggregate status of the containers in this pod."),
      Column.string("Restarts", "The number of times the containers in this pod have been restarted and when the "
          + "last container in this pod has restarted."),
      Column.age(),
      Column.string("IP", "IP address allocated to the pod. Routable at least within the cluster.").wide(),
      Column.string("Node", "The node the pod is scheduled onto.").wide(),
      Column.string("Nominated Node", "The node the scheduler expects the pod to run on after preemption.").wide(),
      Column.string("Readiness Gates", "Readiness gates that are true, of all the pod's readiness gates.").wide());

  /** The reason the node lifecycle controller gives pods on an unreachable node. */
  private static final String NODE_LOST = "NodeLost";

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public ArrayNode conditions(JsonNode pod) {
    String phase = text(pod, "status", "phase");
    if (!phase.equals("Succeeded") && !phase.equals("Failed")) {
      return null;
    }
    ArrayNode a = Json.MAPPER.createArrayNode();
    ObjectNode c = a.addObject();
    c.put("type", "Completed");
    c.put("status", "True");
    c.put("reason", phase);
    c.put("message", phase.equals("Succeeded") ? "The pod has completed successfully." : "The pod failed.");
    return a;
  }

  @Override
  public List<Object> cells(JsonNode pod, Instant now) {
    JsonNode spec = pod.path("spec");
    JsonNode status = pod.path("status");
    String phase = text(status, "phase");
    String reason = text(status, "reason").isEmpty() ? phase : text(status, "reason");
    for (JsonNode c : status.path("conditions")) {
      if (text(c, "type").equals("PodScheduled") && text(c, "reason").equals("SchedulingGated")) {
        reason = "SchedulingGated";
      }
    }

    Map<String, JsonNode> initContainers = new HashMap<>();
    int total = spec.path("containers").size();
    for (JsonNode c : spec.path("initContainers")) {
      initContainers.put(text(c, "name"), c);
      if (sidecar(c)) {
        total++;
      }
    }

    Counts all = new Counts();
    Counts sidecars = new Counts();
    int ready = 0;
    boolean initializing = false;
    JsonNode initStatuses = status.path("initContainerStatuses");
    for (int i = 0; i < initStatuses.size(); i++) {
      JsonNode cs = initStatuses.get(i);
      boolean sidecar = sidecar(initContainers.get(text(cs, "name")));
      all.add(cs);
      if (sidecar) {
        sidecars.add(cs);
      }
      JsonNode terminated = at(cs, "state", "terminated");
      JsonNode waiting = at(cs, "state", "waiting");
      if (terminated.isObject() && terminated.path("exitCode").asInt() == 0) {
        continue;
      }
      if (sidecar && cs.path("started").asBoolean(false)) {
        if (cs.path("ready").asBoolean(false)) {
          ready++;
        }
        continue;
      }
      if (terminated.isObject()) {
        reason = "Init:" + terminationReason(terminated);
      } else if (waiting.isObject() && !text(waiting, "reason").isEmpty()
          && !text(waiting, "reason").equals("PodInitializing")) {
        reason = "Init:" + text(waiting, "reason");
      } else {
        reason = "Init:" + i + "/" + spec.path("initContainers").size();
      }
      initializing = true;
      break;
    }

    Counts restarts = all;
    if (!initializing || conditionTrue(status, "Initialized")) {
      // Only sidecars keep counting once the pod is initialized; finished init containers are history.
      restarts = sidecars;
      boolean hasRunning = false;
      JsonNode statuses = status.path("containerStatuses");
      for (int i = statuses.size() - 1; i >= 0; i--) {
        JsonNode cs = statuses.get(i);
        restarts.add(cs);
        JsonNode terminated = at(cs, "state", "terminated");
        JsonNode waiting = at(cs, "state", "waiting");
        if (waiting.isObject() && !text(waiting, "reason").isEmpty()) {
          reason = text(waiting, "reason");
        } else if (terminated.isObject()) {
          reason = terminationReason(terminated);
        } else if (cs.path("ready").asBoolean(false) && at(cs, "state", "running").isObject()) {
          hasRunning = true;
          ready++;
        }
      }
      if (reason.equals("Completed") && hasRunning) {
        reason = conditionTrue(status, "Ready") ? "Running" : "NotReady";
      }
    }

    if (Cells.present(pod, "metadata", "deletionTimestamp")) {
      if (text(status, "reason").equals(NODE_LOST)) {
        reason = "Unknown";
      } else if (!phase.equals("Succeeded") && !phase.equals("Failed")) {
        reason = "Terminating";
      }
    }

    String restartCell = Long.toString(restarts.count);
    if (restarts.count != 0 && restarts.last != null) {
      restartCell = restarts.count + " (" + HumanDuration.format(java.time.Duration.between(restarts.last, now))
          + " ago)";
    }

    String podIp = text(status.path("podIPs").path(0), "ip");
    return List.of(
        Cells.name(pod),
        ready + "/" + total,
        reason,
        restartCell,
        Cells.age(pod, now),
        orNone(podIp),
        orNone(text(spec, "nodeName")),
        orNone(text(status, "nominatedNodeName")),
        readinessGates(spec, status));
  }

  /** An init container with {@code restartPolicy: Always} is a sidecar: it keeps running and counts as a container. */
  private static boolean sidecar(JsonNode initContainer) {
    return initContainer != null && text(initContainer, "restartPolicy").equals("Always");
  }

  private static String terminationReason(JsonNode terminated) {
    if (!text(terminated, "reason").isEmpty()) {
      return text(terminated, "reason");
    }
    long signal = terminated.path("signal").asLong(0);
    return signal != 0 ? "Signal:" + signal : "ExitCode:" + terminated.path("exitCode").asLong(0);
  }

  private static boolean conditionTrue(JsonNode status, String type) {
    for (JsonNode c : status.path("conditions")) {
      if (text(c, "type").equals(type)) {
        return text(c, "status").equals("True");
      }
    }
    return false;
  }

  private static String readinessGates(JsonNode spec, JsonNode status) {
    JsonNode gates = spec.path("readinessGates");
    if (gates.size() == 0) {
      return "<none>";
    }
    int trueCount = 0;
    for (JsonNode gate : gates) {
      for (JsonNode c : status.path("conditions")) {
        if (text(c, "type").equals(text(gate, "conditionType"))) {
          if (text(c, "status").equals("True")) {
            trueCount++;
          }
          break;
        }
      }
    }
    return trueCount + "/" + gates.size();
  }

  private static String orNone(String s) {
    return s.isEmpty() ? "<none>" : s;
  }

  /** Restarts summed over containers, with the time the latest of them last terminated. */
  private static final class Counts {
    long count;
    Instant last;

    void add(JsonNode containerStatus) {
      count += containerStatus.path("restartCount").asLong(0);
      Instant finished = Cells.time(at(containerStatus, "lastState", "terminated", "finishedAt"));
      if (finished != null && (last == null || finished.isAfter(last))) {
        last = finished;
      }
    }
  }
}
