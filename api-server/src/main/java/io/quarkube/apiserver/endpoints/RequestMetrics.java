package io.quarkube.apiserver.endpoints;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-request meters ({@code apiserver_request_duration_seconds}, {@code apiserver_request_total}), looked up
 * by a small key of their own: asking the registry each time built and sorted the tags and hashed the meter's id
 * (a few percent of the API server's CPU for a plain GET).
 */
final class RequestMetrics {
  private record TimerKey(String verb, String resource, String group) {}

  private record CountKey(String verb, String resource, int code) {}

  private final MeterRegistry meters;
  private final ConcurrentHashMap<TimerKey, Timer> timers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<CountKey, Counter> counters = new ConcurrentHashMap<>();

  RequestMetrics(MeterRegistry meters) {
    this.meters = meters;
  }

  Timer.Sample start() {
    return Timer.start(meters);
  }

  Timer duration(String verb, String resource, String group) {
    return timers.computeIfAbsent(new TimerKey(verb, resource, group), k -> meters.timer(
        "apiserver_request_duration_seconds", "verb", k.verb(), "resource", k.resource(), "group", k.group()));
  }

  Counter total(String verb, String resource, int code) {
    return counters.computeIfAbsent(new CountKey(verb, resource, code), k -> meters.counter(
        "apiserver_request_total", "verb", k.verb(), "resource", k.resource(), "code", Integer.toString(k.code())));
  }
}
