package io.quarkube.apiserver.table;

import static io.quarkube.apiserver.table.Cells.age;
import static io.quarkube.apiserver.table.Cells.at;
import static io.quarkube.apiserver.table.Cells.name;
import static io.quarkube.apiserver.table.Cells.number;
import static io.quarkube.apiserver.table.Cells.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Printers of the apps/v1 and batch/v1 workloads. */
final class WorkloadPrinters {
  private static final Column CONTAINERS = Column.string("Containers", Column.CONTAINERS_DESCRIPTION).wide();
  private static final Column IMAGES = Column.string("Images", Column.IMAGES_DESCRIPTION).wide();
  private static final Column SELECTOR = Column.string("Selector", "A label query over the pods.").wide();

  private WorkloadPrinters() {}

  static void register(Map<String, Printer> m) {
    m.put("apps/deployments", Printer.of(List.of(
        Column.objectName(),
        Column.string("Ready", "Number of the pod with ready state"),
        Column.string("Up-to-date", "Total number of non-terminated pods targeted by this deployment that have the "
            + "desired template spec."),
        Column.string("Available", "Total number of available pods (ready for at least minReadySeconds) targeted "
            + "by this deployment."),
        Column.age(), CONTAINERS, IMAGES, SELECTOR),
        (o, now) -> {
          List<String> c = containers(at(o, "spec", "template"));
          return List.of(name(o), number(o, "status", "readyReplicas") + "/" + CorePrinters.replicas(o),
              number(o, "status", "updatedReplicas"), number(o, "status", "availableReplicas"), age(o, now),
              c.get(0), c.get(1), Cells.selectorString(at(o, "spec", "selector")));
        }));
    m.put("apps/replicasets", Printer.of(List.of(
        Column.objectName(),
        Column.integer("Desired", "The number of replicas the replica set should keep."),
        Column.integer("Current", "The most recently observed number of replicas."),
        Column.integer("Ready", "The number of ready replicas."),
        Column.age(), CONTAINERS, IMAGES, SELECTOR),
        (o, now) -> {
          List<String> c = containers(at(o, "spec", "template"));
          return List.of(name(o), CorePrinters.replicas(o), number(o, "status", "replicas"),
              number(o, "status", "readyReplicas"), age(o, now), c.get(0), c.get(1),
              Cells.formatLabelSelector(at(o, "spec", "selector")));
        }));
    m.put("apps/statefulsets", Printer.of(List.of(
        Column.objectName(), Column.string("Ready", "Number of the pod with ready state"), Column.age(), CONTAINERS,
        IMAGES),
        (o, now) -> {
          List<String> c = containers(at(o, "spec", "template"));
          return List.of(name(o), number(o, "status", "readyReplicas") + "/" + CorePrinters.replicas(o), age(o, now),
              c.get(0), c.get(1));
        }));
    m.put("apps/daemonsets", Printer.of(List.of(
        Column.objectName(),
        Column.integer("Desired", "The number of nodes that should run the daemon pod."),
        Column.integer("Current", "The number of nodes running at least one daemon pod."),
        Column.integer("Ready", "The number of nodes with a ready daemon pod."),
        Column.integer("Up-to-date", "The number of nodes running the updated daemon pod."),
        Column.integer("Available", "The number of nodes with an available daemon pod."),
        Column.string("Node Selector", "The labels a node must have to run the daemon pod."),
        Column.age(), CONTAINERS, IMAGES, SELECTOR),
        (o, now) -> {
          List<String> c = containers(at(o, "spec", "template"));
          return List.of(name(o), number(o, "status", "desiredNumberScheduled"),
              number(o, "status", "currentNumberScheduled"), number(o, "status", "numberReady"),
              number(o, "status", "updatedNumberScheduled"), number(o, "status", "numberAvailable"),
              Cells.formatLabels(at(o, "spec", "template", "spec", "nodeSelector")), age(o, now), c.get(0), c.get(1),
              Cells.formatLabelSelector(at(o, "spec", "selector")));
        }));
    m.put("apps/controllerrevisions", Printer.of(List.of(
        Column.objectName(),
        Column.string("Controller", "Controller of the object"),
        Column.string("Revision", "The revision of the state the data represents."),
        Column.age()),
        (o, now) -> List.of(name(o), controller(o), number(o, "revision"), age(o, now))));
    m.put("batch/jobs", Printer.of(List.of(
        Column.objectName(),
        Column.string("Status", "Status of the job."),
        Column.string("Completions", "The number of pods which reached phase Succeeded."),
        Column.string("Duration", "Time required to complete the job."),
        Column.age(), CONTAINERS, IMAGES, SELECTOR),
        WorkloadPrinters::job));
    m.put("batch/cronjobs", Printer.of(List.of(
        Column.objectName(),
        Column.string("Schedule", "The schedule in Cron format."),
        Column.string("Timezone", "The time zone name for the given schedule."),
        Column.bool("Suspend", "Whether subsequent executions are suspended."),
        Column.integer("Active", "The currently running jobs."),
        Column.string("Last Schedule", "The last time a job was successfully scheduled."),
        Column.age(), CONTAINERS, IMAGES, SELECTOR),
        (o, now) -> {
          JsonNode spec = o.path("spec");
          List<String> c = containers(at(spec, "jobTemplate", "spec", "template"));
          JsonNode last = at(o, "status", "lastScheduleTime");
          return List.of(name(o), text(spec, "schedule"),
              spec.path("timeZone").isTextual() ? spec.path("timeZone").asText() : "<none>",
              Cells.boolPtr(spec.path("suspend")), Cells.size(at(o, "status", "active")),
              Cells.time(last) == null ? "<none>" : Cells.since(last, now), age(o, now), c.get(0), c.get(1),
              Cells.formatLabelSelector(at(spec, "jobTemplate", "spec", "selector")));
        }));
  }

  private static List<String> containers(JsonNode podTemplate) {
    return Cells.containerCells(at(podTemplate, "spec", "containers"));
  }

  private static List<Object> job(JsonNode o, Instant now) {
    JsonNode spec = o.path("spec");
    JsonNode status = o.path("status");
    long succeeded = number(status, "succeeded");
    String completions;
    if (spec.path("completions").isNumber()) {
      completions = succeeded + "/" + spec.path("completions").asLong();
    } else {
      long parallelism = spec.path("parallelism").asLong(0);
      completions = parallelism > 1 ? succeeded + "/1 of " + parallelism : succeeded + "/1";
    }
    Instant start = Cells.time(status.path("startTime"));
    Instant completion = Cells.time(status.path("completionTime"));
    String duration = "";
    if (start != null) {
      duration = HumanDuration.format(Duration.between(start, completion == null ? now : completion));
    }
    String state;
    if (jobCondition(status, "Complete")) {
      state = "Complete";
    } else if (jobCondition(status, "Failed")) {
      state = "Failed";
    } else if (Cells.present(o, "metadata", "deletionTimestamp")) {
      state = "Terminating";
    } else if (jobCondition(status, "Suspended")) {
      state = "Suspended";
    } else if (jobCondition(status, "FailureTarget")) {
      state = "FailureTarget";
    } else {
      state = "Running";
    }
    List<String> c = containers(spec.path("template"));
    return List.of(name(o), state, completions, duration, age(o, now), c.get(0), c.get(1),
        Cells.formatLabelSelector(spec.path("selector")));
  }

  /** Whether the first condition of the type is true, as upstream's {@code hasJobCondition}. */
  private static boolean jobCondition(JsonNode status, String type) {
    for (JsonNode c : status.path("conditions")) {
      if (text(c, "type").equals(type)) {
        return text(c, "status").equals("True");
      }
    }
    return false;
  }

  /** The controlling owner as {@code kind.group/name}, lower-case kind and group ({@code statefulset.apps/web}). */
  private static String controller(JsonNode o) {
    for (JsonNode ref : at(o, "metadata", "ownerReferences")) {
      if (ref.path("controller").asBoolean(false)) {
        String apiVersion = text(ref, "apiVersion");
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        String kind = text(ref, "kind");
        if (group.isEmpty() && kind.isEmpty()) {
          return text(ref, "name");
        }
        String groupKind = group.isEmpty() ? kind : kind + "." + group;
        return groupKind.toLowerCase(Locale.ROOT) + "/" + text(ref, "name");
      }
    }
    return "<none>";
  }
}
