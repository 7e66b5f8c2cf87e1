package io.quarkube.proto.kube;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;

/**
 * Go's {@code time.Duration} text form, which metav1.Duration uses in JSON ("1h0m0s", "1.5s", "300ms") while
 * protobuf carries the nanoseconds.
 */
final class GoDuration {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private static final Map<String, Long> UNIT_NANOS = Map.of(
            "ns", 1L,
            "us", 1_000L,
            "\u00b5s", 1_000L, // micro sign, as Go prints
            "\u03bcs", 1_000L, // Greek mu, also accepted by Go
            "ms", 1_000_000L,
            "s", NANOS_PER_SECOND,
            "m", 60 * NANOS_PER_SECOND,
            "h", 3600 * NANOS_PER_SECOND);

    private GoDuration() {
    }

    /** Same text as Go's {@code Duration.String()}. */
    static String format(long nanos) {
        if (nanos == 0) {
            return "0s";
        }
        String sign = nanos < 0 ? "-" : "";
        // Unsigned magnitude, so that Long.MIN_VALUE works as in Go.
        long u = nanos < 0 ? -nanos : nanos;
        if (Long.compareUnsigned(u, NANOS_PER_SECOND) < 0) {
            if (u < 1_000L) {
                return sign + u + "ns";
            }
            if (u < 1_000_000L) {
                return sign + fraction(u, 3) + "\u00b5s";
            }
            return sign + fraction(u, 6) + "ms";
        }
        String fractionDigits = fractionDigits(Long.remainderUnsigned(u, NANOS_PER_SECOND), 9);
        long seconds = Long.divideUnsigned(u, NANOS_PER_SECOND);
        StringBuilder out = new StringBuilder();
        long hours = seconds / 3600;
        long minutes = (seconds / 60) % 60;
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            out.append(minutes).append('m');
        }
        out.append(seconds % 60).append(fractionDigits).append('s');
        return sign + out;
    }

    /** Parses Go duration text ("1h30m", "-1.5s", "0"); rejects anything Go's {@code time.ParseDuration} would. */
    static long parse(String text) {
        String s = text;
        boolean negative = false;
        if (s.startsWith("-") || s.startsWith("+")) {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return 0;
        }
        if (s.isEmpty()) {
            throw new IllegalArgumentException("invalid duration \"" + text + "\"");
        }
        BigInteger total = BigInteger.ZERO;
        int i = 0;
        while (i < s.length()) {
            int numberStart = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            int unitStart = i;
            while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
                i++;
            }
            String number = s.substring(numberStart, unitStart);
            Long unit = UNIT_NANOS.get(s.substring(unitStart, i));
            if (number.isEmpty() || number.equals(".") || unit == null) {
                throw new IllegalArgumentException("invalid duration \"" + text + "\"");
            }
            BigDecimal value = new BigDecimal(number.endsWith(".") ? number + "0" : number);
            total = total.add(value.multiply(BigDecimal.valueOf(unit)).toBigInteger());
        }
        if (negative) {
            total = total.negate();
        }
        if (total.bitLength() > 63) {
            throw new IllegalArgumentException("invalid duration \"" + text + "\": out of range");
        }
        return total.longValue();
    }

    /** {@code value / 10^digits} with the remainder as trimmed decimals, like Go's fmtFrac + fmtInt. */
    private static String fraction(long value, int digits) {
        long scale = (long) Math.pow(10, digits);
        return (value / scale) + fractionDigits(value % scale, digits);
    }

    private static String fractionDigits(long remainder, int digits) {
        if (remainder == 0) {
            return "";
        }
        String padded = String.format("%0" + digits + "d", remainder);
        int end = padded.length();
        while (padded.charAt(end - 1) == '0') {
            end--;
        }
        return "." + padded.substring(0, end);
    }
}
