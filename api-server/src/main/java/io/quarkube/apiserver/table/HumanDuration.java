package io.quarkube.apiserver.table;

import java.time.Duration;

/**
 * Upstream's {@code duration.HumanDuration}: two or three significant figures of a duration, the form of every AGE
 * column ({@code 45s}, {@code 3m20s}, {@code 5h}, {@code 2d3h}, {@code 3y12d}). kubectl prints these cells as they
 * come, so the thresholds must be exactly upstream's.
 */
public final class HumanDuration {
  private HumanDuration() {}

  public static String format(Duration d) {
    // Go truncates toward zero; java.time floors negative durations.
    long seconds = d.getSeconds();
    if (seconds < 0 && d.getNano() > 0) {
      seconds++;
    }
    // Up to two seconds in the future is clock skew between machines, not an error.
    if (seconds < -1) {
      return "<invalid>";
    } else if (seconds < 0) {
      return "0s";
    } else if (seconds < 60 * 2) {
      return seconds + "s";
    }
    long minutes = seconds / 60;
    if (minutes < 10) {
      long s = seconds % 60;
      return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
    } else if (minutes < 60 * 3) {
      return minutes + "m";
    }
    long hours = seconds / 3600;
    if (hours < 8) {
      long m = minutes % 60;
      return m == 0 ? hours + "h" : hours + "h" + m + "m";
    } else if (hours < 48) {
      return hours + "h";
    } else if (hours < 24 * 8) {
      long h = hours % 24;
      return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
    } else if (hours < 24 * 365 * 2) {
      return hours / 24 + "d";
    } else if (hours < 24 * 365 * 8) {
      long dy = hours / 24 % 365;
      return dy == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + dy + "d";
    }
    return hours / 24 / 365 + "y";
  }
}
