package io.quarkube.scheduler.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.quarkube.scheduler.core.PodStatusWriter;
import io.quarkube.scheduler.core.Scheduler;
import io.quarkube.scheduler.framework.ApiActions;
import io.quarkube.scheduler.framework.Status;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/** Everything the scheduler writes to the API server: bindings, pod status, preemption, volume hints, events. */
public final class ClusterApi implements ApiActions, PodStatusWriter {
  private static final Logger LOG = Logger.getLogger(ClusterApi.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ApiWriter api;
  private final EventRecorder events;

  public ClusterApi(ApiWriter api, EventRecorder events) {
    this.api = api;
    this.events = events;
  }

  @Override
  public Status bind(Pod pod, String nodeName) {
    ObjectNode b = JSON.createObjectNode();
    b.put("apiVersion", "v1");
    b.put("kind", "Binding");
    ObjectNode md = b.putObject("metadata");
    md.put("name", pod.getMetadata().getName());
    md.put("namespace", pod.getMetadata().getNamespace());
    if (pod.getMetadata().getUid() != null) {
      md.put("uid", pod.getMetadata().getUid());
    }
    ObjectNode target = b.putObject("target");
    target.put("apiVersion", "v1");
    target.put("kind", "Node");
    target.put("name", nodeName);
    try {
      ApiWriter.Response r = api.send("POST", ApiWriter.podPath(pod.getMetadata().getNamespace(),
          pod.getMetadata().getName()) + "/binding", ApiWriter.JSON, b.toString()).get(60, TimeUnit.SECONDS);
      if (r.ok()) {
        return Status.SUCCESS;
      }
      return Status.error("binding rejected: " + r.code() + " " + statusMessage(r.body()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Status.error(e);
    } catch (ExecutionException | TimeoutException e) {
      return Status.error("binding failed: " + (e.getCause() == null ? e : e.getCause()).getMessage());
    }
  }

  static String statusMessage(String body) {
    try {
      return JSON.readTree(body).path("message").asText(body);
    } catch (Exception e) {
      return body;
    }
  }

  @Override
  public void schedulingFailed(Pod pod, String reason, String message, String nominatedNodeName) {
    events.record(pod, "Warning", "FailedScheduling", "Scheduling", message);
    PodCondition existing = null;
    if (pod.getStatus() != null && pod.getStatus().getConditions() != null) {
      for (PodCondition c : pod.getStatus().getConditions()) {
        if ("PodScheduled".equals(c.getType())) {
          existing = c;
        }
      }
    }
    boolean conditionChanged = existing == null || !"False".equals(existing.getStatus())
        || !Objects.equals(reason, existing.getReason()) || !Objects.equals(message, existing.getMessage());
    String currentNominated = pod.getStatus() == null ? null : pod.getStatus().getNominatedNodeName();
    boolean nominatedChanged = nominatedNodeName != null
        && !Objects.equals(emptyToNull(nominatedNodeName), emptyToNull(currentNominated));
    if (!conditionChanged && !nominatedChanged) {
      return;
    }
    ObjectNode patch = JSON.createObjectNode();
    ObjectNode status = patch.putObject("status");
    if (conditionChanged) {
      ObjectNode c = status.putArray("conditions").addObject();
      c.put("type", "PodScheduled");
      c.put("status", "False");
      c.put("reason", reason);
      c.put("message", message);
      c.putNull("lastProbeTime");
      c.put("lastTransitionTime", existing != null && "False".equals(existing.getStatus())
          && existing.getLastTransitionTime() != null ? existing.getLastTransitionTime() : now());
    }
    if (nominatedChanged) {
      if (nominatedNodeName.isEmpty()) {
        status.putNull("nominatedNodeName");
      } else {
        status.put("nominatedNodeName", nominatedNodeName);
      }
    }
    patchStatus(pod, patch.toString());
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private void patchStatus(Pod pod, String patch) {
    api.send("PATCH", ApiWriter.podPath(pod.getMetadata().getNamespace(), pod.getMetadata().getName()) + "/status",
        ApiWriter.STRATEGIC_MERGE_PATCH, patch).whenComplete((r, e) -> {
          if (e != null) {
            LOG.debugf("status of pod %s/%s not updated: %s", pod.getMetadata().getNamespace(),
                pod.getMetadata().getName(), e.getMessage());
          } else if (!r.ok() && r.code() != 404) {
            LOG.debugf("status of pod %s/%s not updated: HTTP %d %s", pod.getMetadata().getNamespace(),
                pod.getMetadata().getName(), r.code(), statusMessage(r.body()));
          }
        });
  }

  @Override
  public void scheduled(Pod pod, String nodeName) {
    events.record(pod, "Normal", "Scheduled", "Binding", "Successfully assigned " + pod.getMetadata().getNamespace()
        + "/" + pod.getMetadata().getName() + " to " + nodeName);
  }

  @Override
  public void evictVictim(Pod victim, Pod preemptor, String nodeName) {
    ObjectNode patch = JSON.createObjectNode();
    ObjectNode c = patch.putObject("status").putArray("conditions").addObject();
    c.put("type", "DisruptionTarget");
    c.put("status", "True");
    c.put("reason", "PreemptionByScheduler");
    c.put("message", Scheduler.schedulerName(preemptor) + ": preempting to accommodate a higher priority pod");
    c.put("lastTransitionTime", now());
    String path = ApiWriter.podPath(victim.getMetadata().getNamespace(), victim.getMetadata().getName());
    events.record(victim, "Normal", "Preempted", "Preempting", "Preempted by pod "
        + preemptor.getMetadata().getUid() + " on node " + nodeName);
    try {
      api.send("PATCH", path + "/status", ApiWriter.STRATEGIC_MERGE_PATCH, patch.toString())
          .get(30, TimeUnit.SECONDS);
      ApiWriter.Response r = api.send("DELETE", path, ApiWriter.JSON, "{\"kind\":\"DeleteOptions\","
          + "\"apiVersion\":\"v1\"}").get(30, TimeUnit.SECONDS);
      if (!r.ok() && r.code() != 404) {
        LOG.warnf("deleting preemption victim %s failed: HTTP %d %s", path, r.code(), statusMessage(r.body()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warnf("deleting preemption victim %s failed: %s", path, e.getMessage());
    }
  }

  @Override
  public void clearNominatedNodeName(Pod pod) {
    patchStatus(pod, "{\"status\":{\"nominatedNodeName\":null}}");
  }

  @Override
  public void annotatePvc(String namespace, String name, Map<String, String> annotations) {
    ObjectNode patch = JSON.createObjectNode();
    ObjectNode a = patch.putObject("metadata").putObject("annotations");
    annotations.forEach(a::put);
    await(api.send("PATCH", "/api/v1/namespaces/" + namespace + "/persistentvolumeclaims/" + name,
        ApiWriter.MERGE_PATCH, patch.toString()), "annotating PVC " + namespace + "/" + name);
  }

  @Override
  public void bindPv(PersistentVolume pv, PersistentVolumeClaim claim) {
    ObjectNode patch = JSON.createObjectNode();
    ObjectNode ref = patch.putObject("spec").putObject("claimRef");
    ref.put("apiVersion", "v1");
    ref.put("kind", "PersistentVolumeClaim");
    ref.put("namespace", claim.getMetadata().getNamespace());
    ref.put("name", claim.getMetadata().getName());
    if (claim.getMetadata().getUid() != null) {
      ref.put("uid", claim.getMetadata().getUid());
    }
    await(api.send("PATCH", "/api/v1/persistentvolumes/" + pv.getMetadata().getName(), ApiWriter.MERGE_PATCH,
        patch.toString()), "binding PV " + pv.getMetadata().getName());
  }

  private static void await(java.util.concurrent.CompletableFuture<ApiWriter.Response> f, String what) {
    try {
      ApiWriter.Response r = f.get(30, TimeUnit.SECONDS);
      if (!r.ok()) {
        throw new IllegalStateException(what + ": HTTP " + r.code() + " " + statusMessage(r.body()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(what + ": interrupted");
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(what + ": " + e.getMessage());
    }
  }

  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
