package io.quarkube.apiserver.registry.batch;

/**
 * Upstream's validateIndexesFormat: "1,3-5,7" (increasing, disjoint intervals, every index below completions) as
 * Indexed Jobs write completedIndexes / failedIndexes and users write a successPolicy's succeededIndexes.
 */
final class IndexIntervals {
  private IndexIntervals() {}

  /** How many indexes the intervals hold; IllegalArgumentException with upstream's message when malformed. */
  static int count(String intervals, int completions) {
    if (intervals.isEmpty()) {
      return 0;
    }
    Integer last = null;
    int total = 0;
    for (String interval : intervals.split(",", -1)) {
      String[] limits = interval.split("-", -1);
      if (limits.length > 2) {
        throw new IllegalArgumentException("the fragment \"" + interval
            + "\" violates the requirement that an index interval can have at most two parts separated by '-'");
      }
      int from = index(limits[0], completions);
      int to = from;
      if (limits.length == 2) {
        to = index(limits[1], completions);
        if (from >= to) {
          throw new IllegalArgumentException("non-increasing order, previous: " + from + ", current: " + to);
        }
      }
      if (last != null && last >= from) {
        throw new IllegalArgumentException("non-increasing order, previous: " + last + ", current: " + from);
      }
      total += to - from + 1;
      last = to;
    }
    return total;
  }

  private static int index(String text, int completions) {
    int value;
    try {
      value = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("cannot convert string to integer for index: \"" + text + "\"");
    }
    if (value >= completions) {
      throw new IllegalArgumentException("too large index: \"" + text + "\"");
    }
    return value;
  }
}
