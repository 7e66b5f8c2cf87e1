package io.quarkube.kubelet.server;

import io.vertx.core.MultiMap;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * The options of a log request, named as in upstream's PodLogOptions (which the API server passes through as query
 * parameters): follow, previous, tailLines, timestamps, limitBytes, sinceSeconds, sinceTime.
 *
 * @param tailLines lines from the end, or null for all
 * @param limitBytes at most this many bytes, or null for no limit
 * @param since entries older than this are skipped, or null
 */
record LogOptions(boolean follow, boolean previous, Long tailLines, boolean timestamps, Long limitBytes,
    Instant since) {

  static LogOptions parse(MultiMap q, Instant now) {
    Long tail = number(q, "tailLines", 0);
    Long limit = number(q, "limitBytes", 1);
    Long sinceSeconds = number(q, "sinceSeconds", 1);
    String sinceTime = q.get("sinceTime");
    if (sinceSeconds != null && sinceTime != null && !sinceTime.isEmpty()) {
      throw Errors.badRequest("at most one of sinceTime or sinceSeconds may be specified");
    }
    Instant since = null;
    if (sinceSeconds != null) {
      since = now.minusSeconds(sinceSeconds);
    } else if (sinceTime != null && !sinceTime.isEmpty()) {
      try {
        since = OffsetDateTime.parse(sinceTime).toInstant();
      } catch (DateTimeParseException e) {
        throw Errors.badRequest("sinceTime: invalid time " + sinceTime);
      }
    }
    return new LogOptions(flag(q, "follow"), flag(q, "previous"), tail, flag(q, "timestamps"), limit, since);
  }

  private static boolean flag(MultiMap q, String name) {
    String v = q.get(name);
    return v != null && (v.equals("true") || v.equals("1") || v.equals("True"));
  }

  private static Long number(MultiMap q, String name, long min) {
    String v = q.get(name);
    if (v == null || v.isEmpty()) {
      return null;
    }
    try {
      long n = Long.parseLong(v);
      if (n < min) {
        throw Errors.badRequest(name + ": Invalid value: " + n + ": must be "
            + (min == 0 ? "greater than or equal to 0" : "greater than 0"));
      }
      return n;
    } catch (NumberFormatException e) {
      throw Errors.badRequest(name + ": invalid number " + v);
    }
  }
}
