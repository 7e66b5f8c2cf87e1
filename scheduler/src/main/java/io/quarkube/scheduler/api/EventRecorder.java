package io.quarkube.scheduler.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * Writes core/v1 Events about objects (what {@code kubectl describe} and {@code kubectl get events} show). Repeats
 * of the same event (same object, reason and message) within 10 minutes increment the count of the first instead of
 * creating a new one — like client-go's event correlator, so a pod retried every few seconds does not flood etcd.
 * Best effort: a failed write is logged, never retried.
 */
public final class EventRecorder {
  private static final Logger LOG = Logger.getLogger(EventRecorder.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long SERIES_WINDOW_MILLIS = 10 * 60 * 1000;
  private static final int MAX_REMEMBERED = 4096;

  private final ApiWriter api;
  private final String component;
  private final String instance;

  private record Seen(String namespace, String name, int count, String firstTimestamp, long firstMillis) {}

  private final Map<String, Seen> recent = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Seen> e) {
      return size() > MAX_REMEMBERED;
    }
  };

  public EventRecorder(ApiWriter api, String component, String instance) {
    this.api = api;
    this.component = component;
    this.instance = instance;
  }

  /** Records an event; {@code type} is Normal or Warning, {@code action} what the component was doing. */
  public void record(HasMetadata obj, String type, String reason, String action, String message) {
    String ns = obj.getMetadata().getNamespace() == null ? "default" : obj.getMetadata().getNamespace();
    String key = obj.getMetadata().getUid() + "\u0000" + reason + "\u0000" + message;
    long now = System.currentTimeMillis();
    String ts = Instant.ofEpochMilli(now).truncatedTo(ChronoUnit.SECONDS).toString();
    Seen seen;
    synchronized (recent) {
      seen = recent.get(key);
      if (seen != null && now - seen.firstMillis() > SERIES_WINDOW_MILLIS) {
        seen = null;
      }
      if (seen == null) {
        String name = obj.getMetadata().getName() + "." + Long.toHexString(now * 1_000_000L
            + ThreadLocalRandom.current().nextInt(1_000_000));
        recent.put(key, new Seen(ns, name, 1, ts, now));
      } else {
        recent.put(key, new Seen(seen.namespace(), seen.name(), seen.count() + 1, seen.firstTimestamp(),
            seen.firstMillis()));
      }
    }
    String name = seen == null ? recent.get(key).name() : seen.name();
    int count = seen == null ? 1 : seen.count() + 1;
    String first = seen == null ? ts : seen.firstTimestamp();
    ObjectNode ev = JSON.createObjectNode();
    ev.put("apiVersion", "v1");
    ev.put("kind", "Event");
    ObjectNode md = ev.putObject("metadata");
    md.put("name", name);
    md.put("namespace", ns);
    ObjectNode involved = ev.putObject("involvedObject");
    involved.put("apiVersion", obj.getApiVersion() == null ? "v1" : obj.getApiVersion());
    involved.put("kind", obj.getKind() == null ? "Pod" : obj.getKind());
    involved.put("namespace", ns);
    involved.put("name", obj.getMetadata().getName());
    if (obj.getMetadata().getUid() != null) {
      involved.put("uid", obj.getMetadata().getUid());
    }
    if (obj.getMetadata().getResourceVersion() != null) {
      involved.put("resourceVersion", obj.getMetadata().getResourceVersion());
    }
    ev.put("reason", reason);
    ev.put("message", message);
    ev.put("type", type);
    ev.put("action", action);
    ev.putObject("source").put("component", component);
    ev.put("reportingComponent", component);
    ev.put("reportingInstance", instance);
    ev.put("firstTimestamp", first);
    ev.put("lastTimestamp", ts);
    ev.put("count", count);
    String path = "/api/v1/namespaces/" + ns + "/events";
    if (count == 1) {
      api.send("POST", path, ApiWriter.JSON, ev.toString()).whenComplete((r, e) -> log(e, r, name));
    } else {
      ObjectNode patch = JSON.createObjectNode();
      patch.put("count", count);
      patch.put("lastTimestamp", ts);
      api.send("PATCH", path + "/" + name, ApiWriter.MERGE_PATCH, patch.toString()).whenComplete((r, e) -> {
        if (e == null && r.code() == 404) {
          // The first instance expired or was deleted: write this one as new.
          api.send("POST", path, ApiWriter.JSON, ev.toString()).whenComplete((r2, e2) -> log(e2, r2, name));
        } else {
          log(e, r, name);
        }
      });
    }
  }

  private static void log(Throwable e, ApiWriter.Response r, String name) {
    if (e != null) {
      LOG.debugf("event %s not written: %s", name, e.getMessage());
    } else if (!r.ok()) {
      LOG.debugf("event %s not written: HTTP %d %s", name, r.code(), r.body());
    }
  }
}
