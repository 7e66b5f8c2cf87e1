package io.quarkube.bench;

import java.util.List;

/** One named benchmark: runs against the cluster of the context and returns its table lines. */
public interface Benchmark {
  String name();

  /** One sentence for the help text. */
  String description();

  /** Runs; an exception is an error (the command exits non-zero); slow figures never are. */
  List<Row> run(BenchContext ctx) throws Exception;

  /** True when the benchmark wrote bench-results/<name>.json itself (then it is left as it is). */
  default boolean writesOwnResults(BenchContext ctx) {
    return false;
  }
}
