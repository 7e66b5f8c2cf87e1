package io.quarkube.proto.kube;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The JSON text of metav1.Time (RFC 3339 in UTC, whole seconds) and metav1.MicroTime (always six fractional digits),
 * as Go's {@code Time.MarshalJSON} writes them.
 */
final class KubeTimestamps {

    /** Go's zero {@code time.Time} (0001-01-01T00:00:00Z) in Unix seconds; Kubernetes writes it as JSON null. */
    static final long GO_ZERO_TIME_SECONDS = -62135596800L;

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'");
    private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'");

    private KubeTimestamps() {
    }

    static String formatSeconds(long epochSeconds) {
        return SECONDS.format(Instant.ofEpochSecond(epochSeconds).atOffset(ZoneOffset.UTC));
    }

    static String formatMicros(long epochSeconds, int nanos) {
        int micros = nanos - nanos % 1000;
        return MICROS.format(Instant.ofEpochSecond(epochSeconds, micros).atOffset(ZoneOffset.UTC));
    }

    /** Parses RFC 3339 text with any offset and optional fraction, as Go's {@code time.Parse(RFC3339, ...)}. */
    static Instant parse(String text) {
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not an RFC 3339 time: \"" + text + "\"", e);
        }
    }
}
