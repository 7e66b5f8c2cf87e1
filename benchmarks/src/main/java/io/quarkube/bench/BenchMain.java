package io.quarkube.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./quarkube bench [--quick] [name...]}: runs the named benchmarks (all when none is named) against the
 * cluster of {@code --state-dir}, prints one table and writes {@code bench-results/<name>.json}. Exits 1 when a
 * benchmark failed with an error, 2 on bad arguments; slow figures never fail it.
 */
public final class BenchMain {
  /** Held so the level sticks (java.util.logging keeps loggers weakly): gRPC's INFO lines are noise here. */
  private static final java.util.logging.Logger GRPC_LOG = java.util.logging.Logger.getLogger("io.grpc");

  private BenchMain() {}

  static Map<String, Benchmark> benchmarks() {
    Map<String, Benchmark> all = new LinkedHashMap<>();
    for (Benchmark b : List.of(new WriteBench(), new ReadBench(), new WatchBench(), new SchedulerBench(),
        new ProxyBench(), new PodStartupBench(), new FootprintBench())) {
      all.put(b.name(), b);
    }
    return all;
  }

  /** {@code limitEtcd}: the endpoint of an etcd of the benchmarks' own for raw-put limits, or null (the cluster's). */
  record Args(Path repo, Path state, Path out, boolean quick, List<String> names, String limitEtcd) {}

  static Args parse(String[] argv, Map<String, Benchmark> known) {
    Path repo = Path.of(".");
    Path state = null;
    Path out = null;
    boolean quick = false;
    String limitEtcd = null;
    List<String> names = new ArrayList<>();
    for (int i = 0; i < argv.length; i++) {
      String a = argv[i];
      switch (a) {
        case "--quick" -> quick = true;
        case "--repo" -> repo = Path.of(value(argv, ++i, a));
        case "--state-dir" -> state = Path.of(value(argv, ++i, a));
        case "--out" -> out = Path.of(value(argv, ++i, a));
        case "--limit-etcd" -> limitEtcd = value(argv, ++i, a);
        default -> {
          if (a.startsWith("-")) {
            throw new IllegalArgumentException("unknown option " + a);
          }
          if (!known.containsKey(a)) {
            throw new IllegalArgumentException("unknown benchmark " + a + " (known: " + String.join(", ", known.keySet())
                + ")");
          }
          names.add(a);
        }
      }
    }
    if (state == null) {
      throw new IllegalArgumentException("--state-dir is required (the cluster's state folder)");
    }
    if (names.isEmpty()) {
      names.addAll(known.keySet());
    }
    repo = repo.toAbsolutePath().normalize();
    return new Args(repo, state.toAbsolutePath().normalize(), out == null ? repo.resolve("bench-results") : out,
        quick, names, limitEtcd);
  }

  private static String value(String[] argv, int i, String option) {
    if (i >= argv.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return argv[i];
  }

  public static void main(String[] argv) throws Exception {
    GRPC_LOG.setLevel(java.util.logging.Level.WARNING);
    Map<String, Benchmark> known = benchmarks();
    Args args;
    try {
      args = parse(argv, known);
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      System.err.println(
          "usage: bench --state-dir DIR [--repo DIR] [--out DIR] [--limit-etcd URL] [--quick] [name...]");
      known.values().forEach(b -> System.err.printf("  %-12s %s%n", b.name(), b.description()));
      System.exit(2);
      return;
    }
    BenchContext ctx = new BenchContext(args.repo(), args.state(), args.quick(), args.limitEtcd());
    System.out.println("benchmarks " + String.join(", ", args.names()) + (args.quick() ? " (quick)" : "")
        + " against " + ctx.apiUrl() + " (state " + args.state() + ")");
    System.out.println("machine: " + Machine.summary());
    List<Row> all = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < args.names().size(); i++) {
      String name = args.names().get(i);
      Benchmark b = known.get(name);
      ctx.later(args.names().subList(i + 1, args.names().size()));
      System.out.println("==> " + name + ": " + b.description());
      long start = System.nanoTime();
      List<Row> rows = List.of();
      String error = null;
      try {
        rows = b.run(ctx);
      } catch (Exception | AssertionError e) {
        error = e.toString();
        failed.add(name);
        System.out.println("    ERROR in " + name + ": " + e);
        e.printStackTrace(System.out);
        rows = List.of(Row.info(name, "ERROR", "-", e.getClass().getSimpleName()));
      }
      double secs = (System.nanoTime() - start) / 1e9;
      for (Row r : rows) {
        System.out.printf("    %s: %s%s%n", r.what(), r.figure(),
            Double.isNaN(r.p99()) ? "" : String.format(" (p50 %s ms, p99 %s ms)", Report.fmt(r.p50()),
                Report.fmt(r.p99())));
      }
      System.out.printf("    %s took %.1f s%n", name, secs);
      if (error != null || !b.writesOwnResults(ctx)) {
        Report.writeJson(args.out(), name, args.quick(), rows, error, secs);
      }
      all.addAll(rows);
    }
    System.out.println();
    Report.print(all, System.out);
    System.out.printf("%nratio = share of the physical limit measured in the same run (1.0 = at the limit);"
        + " results in %s; %.0f s in all%n", args.out(), (System.nanoTime() - t0) / 1e9);
    if (!failed.isEmpty()) {
      System.out.println("FAILED with errors: " + String.join(", ", failed));
      System.exit(1);
    }
    System.exit(0);
  }
}
