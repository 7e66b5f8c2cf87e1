package io.quarkube.scheduler.api;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Writes core/v1 Events about objects (what {@code kubectl describe} and {@code kubectl get events} show). Repeats
 * of the same event (same object, reason and message) within 10 minutes increment the count of the first instead of
 * creating a new one — like client-go's event correlator, so a pod retried every few seconds does not flood etcd.
 * Best effort: a failed write is logged, never retried, and when the API server falls behind so far that
 * {@value ApiWriter#MAX_QUEUED_EVENTS} event writes wait, further events are dropped (as client-go's broadcaster
 * drops them when its queue is full) rather than delaying bindings or growing without bound.
 */
public final class EventRecorder {
  private static final Logger LOG = Logger.getLogger(EventRecorder.class);
  private static final JsonStringEncoder QUOTE = JsonStringEncoder.getInstance();
  private static final long SERIES_WINDOW_MILLIS = 10 * 60 * 1000;
  private static final int MAX_REMEMBERED = 4096;
  private static final AtomicLong DROPPED = new AtomicLong();

  /** Where event writes go: {@link ApiWriter#sendEvent} (a test's recorder in unit tests). */
  interface Sender {
    CompletableFuture<ApiWriter.Response> send(String method, String path, String contentType, String body);
  }

  private final Sender api;
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
    this(api::sendEvent, component, instance);
  }

  EventRecorder(Sender api, String component, String instance) {
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
    Seen current;
    synchronized (recent) {
      Seen seen = recent.get(key);
      if (seen != null && now - seen.firstMillis() > SERIES_WINDOW_MILLIS) {
        seen = null;
      }
      if (seen == null) {
        String name = obj.getMetadata().getName() + "." + Long.toHexString(now * 1_000_000L
            + ThreadLocalRandom.current().nextInt(1_000_000));
        current = new Seen(ns, name, 1, ts, now);
      } else {
        current = new Seen(seen.namespace(), seen.name(), seen.count() + 1, seen.firstTimestamp(),
            seen.firstMillis());
      }
      recent.put(key, current);
    }
    String name = current.name();
    int count = current.count();
    String first = current.firstTimestamp();
    String involvedApiVersion = obj.getApiVersion() == null ? "v1" : obj.getApiVersion();
    String involvedKind = obj.getKind() == null ? "Pod" : obj.getKind();
    // Written out directly: the same JSON a tree would give, without building one per event.
    StringBuilder ev = new StringBuilder(640).append("{\"apiVersion\":\"v1\",\"kind\":\"Event\",\"metadata\":{");
    field(ev, "name", name).append(',');
    field(ev, "namespace", ns).append("},\"involvedObject\":{");
    field(ev, "apiVersion", involvedApiVersion).append(',');
    field(ev, "kind", involvedKind).append(',');
    field(ev, "namespace", ns).append(',');
    field(ev, "name", obj.getMetadata().getName());
    if (obj.getMetadata().getUid() != null) {
      field(ev.append(','), "uid", obj.getMetadata().getUid());
    }
    if (obj.getMetadata().getResourceVersion() != null) {
      field(ev.append(','), "resourceVersion", obj.getMetadata().getResourceVersion());
    }
    ev.append("},");
    field(ev, "reason", reason).append(',');
    field(ev, "message", message).append(',');
    field(ev, "type", type).append(',');
    field(ev, "action", action).append(",\"source\":{");
    field(ev, "component", component).append("},");
    field(ev, "reportingComponent", component).append(',');
    field(ev, "reportingInstance", instance).append(',');
    field(ev, "firstTimestamp", first).append(',');
    field(ev, "lastTimestamp", ts).append(",\"count\":").append(count).append('}');
    String json = ev.toString();
    String path = "/api/v1/namespaces/" + ns + "/events";
    if (count == 1) {
      api.send("POST", path, ApiWriter.JSON, json).whenComplete((r, e) -> log(e, r, name));
    } else {
      StringBuilder patch = new StringBuilder("{\"count\":").append(count).append(',');
      field(patch, "lastTimestamp", ts).append('}');
      api.send("PATCH", path + "/" + name, ApiWriter.MERGE_PATCH, patch.toString()).whenComplete((r, e) -> {
        if (e == null && r.code() == 404) {
          // The first instance expired or was deleted: write this one as new.
          api.send("POST", path, ApiWriter.JSON, json).whenComplete((r2, e2) -> log(e2, r2, name));
        } else {
          log(e, r, name);
        }
      });
    }
  }

  private static StringBuilder field(StringBuilder b, String name, String value) {
    b.append('"').append(name).append("\":\"");
    QUOTE.quoteAsString(value, b);
    return b.append('"');
  }

  private static void log(Throwable e, ApiWriter.Response r, String name) {
    if (e instanceof InFlightLimit.Dropped || e != null && e.getCause() instanceof InFlightLimit.Dropped) {
      long n = DROPPED.incrementAndGet();
      if (n == 1 || n % 1000 == 0) {
        LOG.warnf("%d events dropped so far: the API server is behind on event writes", n);
      }
    } else if (e != null) {
      LOG.debugf("event %s not written: %s", name, e.getMessage());
    } else if (!r.ok()) {
      LOG.debugf("event %s not written: HTTP %d %s", name, r.code(), r.body());
    }
  }
}
