package io.quarkube.apiserver.endpoints;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The per-request meters, with upstream's names, labels and buckets (k8s.io/apiserver endpoints/metrics, stable
 * since 1.19) so that kube-prometheus' dashboards and alerts read them: {@code apiserver_request_total{verb, dry_run,
 * group, version, resource, subresource, scope, component, code}}, the histogram {@code
 * apiserver_request_duration_seconds} (same labels without code), {@code apiserver_current_inflight_requests
 * {request_kind}} and {@code apiserver_longrunning_requests}.
 *
 * <p>Each label combination is one {@link Series}, looked up by a small key of its own: asking the registry each
 * time built and sorted the tags and hashed the meter's id (a few percent of the API server's CPU for a plain GET).
 * One lookup per request finds both the histogram and the counters of its response codes.
 */
final class RequestMetrics {
  /** Upstream's buckets of apiserver_request_duration_seconds, in seconds. */
  static final double[] DURATION_BUCKETS = {0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5,
      6, 8, 10, 15, 20, 30, 45, 60};
  private static final Duration[] DURATION_SLOS = Arrays.stream(DURATION_BUCKETS)
      .mapToObj(s -> Duration.ofNanos(Math.round(s * 1e9))).toArray(Duration[]::new);
  /** The {@code component} label of requests served by the API server's own handlers (not an aggregated API). */
  static final String COMPONENT = "apiserver";
  /** Subresources served by upstream's connecters, reported with the verb CONNECT. */
  private static final Set<String> CONNECT_SUBRESOURCES = Set.of("exec", "attach", "portforward", "proxy");

  /** One label combination of the histogram (the counters add the code). */
  record Key(String verb, String dryRun, String group, String version, String resource, String subresource,
      String scope) {}

  /** The histogram of one combination and its counter per response code (usually one or two codes). */
  final class Series {
    private final Key key;
    final Timer duration;
    private volatile CodeCounter[] codes = new CodeCounter[0];

    private Series(Key key) {
      this.key = key;
      this.duration = Timer.builder("apiserver_request_duration_seconds")
          .description("Response latency distribution in seconds for each verb, dry run value, group, version, "
              + "resource, subresource, scope and component.")
          .tags("verb", key.verb(), "dry_run", key.dryRun(), "group", key.group(), "version", key.version(),
              "resource", key.resource(), "subresource", key.subresource(), "scope", key.scope(),
              "component", COMPONENT)
          .serviceLevelObjectives(DURATION_SLOS).register(meters);
    }

    Counter total(int code) {
      for (CodeCounter c : codes) {
        if (c.code == code) {
          return c.counter;
        }
      }
      synchronized (this) {
        for (CodeCounter c : codes) {
          if (c.code == code) {
            return c.counter;
          }
        }
        Counter counter = Counter.builder("apiserver_request_total")
            .description("Counter of apiserver requests broken out for each verb, dry run value, group, version, "
                + "resource, scope, component, and HTTP response code.")
            .tags("verb", key.verb(), "dry_run", key.dryRun(), "group", key.group(), "version", key.version(),
                "resource", key.resource(), "subresource", key.subresource(), "scope", key.scope(),
                "component", COMPONENT, "code", Integer.toString(code))
            .register(meters);
        CodeCounter[] more = Arrays.copyOf(codes, codes.length + 1);
        more[codes.length] = new CodeCounter(code, counter);
        codes = more;
        return counter;
      }
    }

    /** Records one finished request: its duration (unless it is long-running) and its code. */
    void record(long nanos, boolean timed, int code) {
      if (timed) {
        duration.record(nanos, TimeUnit.NANOSECONDS);
      }
      total(code).increment();
    }
  }

  private record CodeCounter(int code, Counter counter) {}

  private final MeterRegistry meters;
  private final ConcurrentHashMap<Key, Series> series = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Key, AtomicInteger> longRunning = new ConcurrentHashMap<>();
  private final AtomicInteger readOnlyInflight = new AtomicInteger();
  private final AtomicInteger mutatingInflight = new AtomicInteger();

  RequestMetrics(MeterRegistry meters) {
    this.meters = meters;
    String help = "Maximal number of currently used inflight request limit of this apiserver per request kind in "
        + "last second.";
    Gauge.builder("apiserver_current_inflight_requests", readOnlyInflight, AtomicInteger::get).description(help)
        .tag("request_kind", "readOnly").register(meters);
    Gauge.builder("apiserver_current_inflight_requests", mutatingInflight, AtomicInteger::get).description(help)
        .tag("request_kind", "mutating").register(meters);
  }

  Series series(Key key) {
    Series s = series.get(key);
    return s != null ? s : series.computeIfAbsent(key, Series::new);
  }

  /** The in-flight count of a request of this HTTP method (upstream's max-in-flight filter's two kinds). */
  AtomicInteger inflight(String method) {
    return "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method)
        ? readOnlyInflight : mutatingInflight;
  }

  /** The gauge of open long-running requests (watches, exec, attach, port-forward, proxy) of one combination. */
  AtomicInteger longRunning(Key key) {
    return longRunning.computeIfAbsent(key, k -> {
      AtomicInteger open = new AtomicInteger();
      Gauge.builder("apiserver_longrunning_requests", open, AtomicInteger::get)
          .description("Gauge of all active long-running apiserver requests broken out by verb, group, version, "
              + "resource, scope and component. Not all requests are tracked this way.")
          .tags("verb", k.verb(), "group", k.group(), "version", k.version(), "resource", k.resource(),
              "subresource", k.subresource(), "scope", k.scope(), "component", COMPONENT)
          .register(meters);
      return open;
    });
  }

  /**
   * The label combination of a request, as upstream reports it: for a resource request the verb of upstream's
   * handler (GET, LIST, WATCH, POST, PUT, PATCH or APPLY for server-side apply, DELETE, DELETECOLLECTION, CONNECT for
   * exec, attach, port-forward and proxy), the scope (resource when it names an object or creates one, else
   * namespace or cluster); otherwise the HTTP method with empty labels.
   */
  static Key key(RequestInfo info, String method, String contentType, String dryRunParam) {
    if (info == null) {
      return new Key(method, "", "", "", "", "", "");
    }
    String sub = info.subresource() == null ? "" : info.subresource();
    return new Key(verb(info, sub, contentType), dryRun(dryRunParam), info.group(), info.version(),
        info.resource(), sub, scope(info));
  }

  static String verb(RequestInfo info, String subresource, String contentType) {
    if (CONNECT_SUBRESOURCES.contains(subresource)) {
      return "CONNECT";
    }
    return switch (info.verb()) {
      case "get" -> "GET";
      case "list" -> "LIST";
      case "watch" -> "WATCH";
      case "create" -> "POST";
      case "update" -> "PUT";
      case "patch" -> contentType != null && contentType.startsWith("application/apply-patch") ? "APPLY" : "PATCH";
      case "delete" -> "DELETE";
      case "deletecollection" -> "DELETECOLLECTION";
      default -> info.verb().toUpperCase();
    };
  }

  /** Upstream's CleanScope. */
  static String scope(RequestInfo info) {
    if (info.name() != null || "create".equals(info.verb())) {
      return "resource";
    }
    return info.namespace() != null ? "namespace" : "cluster";
  }

  /** Upstream's cleanDryRun: "" without the parameter, "All", or "invalid". */
  static String dryRun(String param) {
    if (param == null || param.isEmpty()) {
      return "";
    }
    return "All".equals(param) ? "All" : "invalid";
  }

  /** Whether upstream counts the request as long-running (not timed, tracked by apiserver_longrunning_requests). */
  static boolean isLongRunning(Key key) {
    return "WATCH".equals(key.verb()) || "CONNECT".equals(key.verb())
        || "log".equals(key.subresource()) && "GET".equals(key.verb());
  }
}
