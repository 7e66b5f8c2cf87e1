package io.quarkube.client.events;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Writes core/v1 Events through the API server, on one background thread. Repeats of the same event (same object,
 * type, reason and message within {@link #AGGREGATION_WINDOW}) update the first one's {@code count} and
 * {@code lastTimestamp} instead of making a new object, as client-go's event correlator does. When too many events
 * queue up, new ones are dropped (events are best effort, as upstream).
 */
public final class ApiEventRecorder implements EventRecorder, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ApiEventRecorder.class);
  public static final Duration AGGREGATION_WINDOW = Duration.ofMinutes(10);
  private static final int MAX_REMEMBERED = 4096;

  private final KubernetesClient client;
  private final String component;
  private final String host;
  private final Clock clock;
  private final ExecutorService writer;
  /** The last event written per aggregation key, oldest first, bounded. Only the writer thread touches it. */
  private final Map<String, Event> recent = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Event> eldest) {
      return size() > MAX_REMEMBERED;
    }
  };

  /**
   * @param component the {@code source.component} / {@code reportingComponent} (e.g. {@code replicaset-controller})
   * @param host the {@code source.host} / {@code reportingInstance} (may be null)
   */
  public ApiEventRecorder(KubernetesClient client, String component, String host) {
    this(client, component, host, Clock.systemUTC());
  }

  ApiEventRecorder(KubernetesClient client, String component, String host, Clock clock) {
    this.client = Objects.requireNonNull(client);
    this.component = Objects.requireNonNull(component);
    this.host = host;
    this.clock = clock;
    this.writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(1000), r -> {
      Thread t = new Thread(r, "events-" + component);
      t.setDaemon(true);
      return t;
    });
  }

  /** A recorder for another component that shares this one's client. */
  public ApiEventRecorder forComponent(String otherComponent) {
    return new ApiEventRecorder(client, otherComponent, host, clock);
  }

  @Override
  public void event(HasMetadata object, String type, String reason, String message) {
    event(object, null, type, reason, message);
  }

  @Override
  public void event(HasMetadata object, String fieldPath, String type, String reason, String message) {
    if (object == null || object.getMetadata() == null) {
      return;
    }
    ObjectReference ref = referenceTo(object);
    ref.setFieldPath(fieldPath);
    Instant now = clock.instant();
    try {
      writer.execute(() -> write(ref, type, reason, message, now));
    } catch (RejectedExecutionException e) {
      LOG.debugf("event dropped (too many queued): %s %s %s", reason, ref.getName(), message);
    }
  }

  static ObjectReference referenceTo(HasMetadata object) {
    return new ObjectReferenceBuilder().withApiVersion(object.getApiVersion()).withKind(object.getKind())
        .withNamespace(object.getMetadata().getNamespace()).withName(object.getMetadata().getName())
        .withUid(object.getMetadata().getUid()).withResourceVersion(object.getMetadata().getResourceVersion())
        .build();
  }

  private void write(ObjectReference ref, String type, String reason, String message, Instant now) {
    String namespace = ref.getNamespace() == null || ref.getNamespace().isEmpty() ? "default" : ref.getNamespace();
    // upstream's aggregation key: the part of the object is in it (two containers' "Started" are two events)
    String key = String.join("\u0000", ref.getKind(), namespace, ref.getName(), String.valueOf(ref.getUid()),
        String.valueOf(ref.getFieldPath()), type, reason, message);
    String time = DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS));
    Event previous = recent.get(key);
    try {
      if (previous != null && Instant.parse(previous.getFirstTimestamp()).plus(AGGREGATION_WINDOW).isAfter(now)) {
        Event updated = new EventBuilder(previous).withCount(count(previous) + 1).withLastTimestamp(time).build();
        try {
          recent.put(key, client.resource(updated).update());
          return;
        } catch (RuntimeException e) {
          // Gone (deleted, TTL) or changed by someone else: start a new event below.
          recent.remove(key);
        }
      }
      Event event = new EventBuilder().withNewMetadata()
          .withName(ref.getName() + "." + Long.toHexString(now.getEpochSecond() * 1_000_000_000L + now.getNano()))
          .withNamespace(namespace).endMetadata()
          .withInvolvedObject(ref).withType(type).withReason(reason).withMessage(truncate(message))
          .withFirstTimestamp(time).withLastTimestamp(time).withCount(1)
          .withNewSource().withComponent(component).withHost(host).endSource()
          .withReportingComponent(component).withReportingInstance(host == null ? component : host)
          .withEventTime((MicroTime) null)
          .build();
      recent.put(key, client.resource(event).create());
    } catch (RuntimeException e) {
      LOG.debugf("cannot record event %s on %s/%s: %s", reason, namespace, ref.getName(), e.getMessage());
    }
  }

  private static int count(Event e) {
    return e.getCount() == null ? 1 : e.getCount();
  }

  private static String truncate(String message) {
    return message.length() <= 1024 ? message : message.substring(0, 1021) + "...";
  }

  @Override
  public void close() {
    writer.shutdown();
  }
}
