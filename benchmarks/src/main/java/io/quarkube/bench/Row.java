package io.quarkube.bench;

/**
 * One line of the benchmark table: what was measured, how big the run was, the figure, the physical limit measured
 * in the same run, their ratio (the share of the limit reached: figure ÷ limit for rates, limit ÷ figure for times
 * and memory, so 1.0 means "at the limit" either way), the target, and the median/p99 latency where it is one.
 *
 * @param benchmark the benchmark's name (write, read, ...)
 * @param what what this line did
 * @param size how many operations/objects/clients
 * @param figure the measured figure, formatted with its unit
 * @param limit the physical limit measured in the same run, formatted, or "-" when there is none
 * @param ratio figure vs limit as described above; NaN when there is no limit
 * @param target the goal this figure is held against, or "-"
 * @param met whether the target is met: TRUE, FALSE, or null when there is no target
 * @param p50 median latency in ms (NaN when not a latency)
 * @param p99 99th percentile latency in ms (NaN when not a latency)
 */
public record Row(
    String benchmark,
    String what,
    String size,
    String figure,
    String limit,
    double ratio,
    String target,
    Boolean met,
    double p50,
    double p99) {

  /** A line without a limit, target or latency: a plain observation. */
  public static Row info(String benchmark, String what, String size, String figure) {
    return new Row(benchmark, what, size, figure, "-", Double.NaN, "-", null, Double.NaN, Double.NaN);
  }

  public Row withLatency(Latencies l) {
    return new Row(benchmark, what, size, figure, limit, ratio, target, met, l.p50(), l.p99());
  }

  public Row withLimit(String limit, double ratio) {
    return new Row(benchmark, what, size, figure, limit, ratio, target, met, p50, p99);
  }

  public Row withTarget(String target, boolean met) {
    return new Row(benchmark, what, size, figure, limit, ratio, target, met, p50, p99);
  }
}
