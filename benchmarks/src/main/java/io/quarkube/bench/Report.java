package io.quarkube.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The table printed at the end, and bench-results/<name>.json per benchmark. */
final class Report {
  private static final String[] HEADER = {"benchmark", "what", "size", "figure", "limit (same run)", "ratio",
      "target", "p50 ms", "p99 ms"};

  private Report() {}

  static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    if (v >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (v >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }

  static String target(Row r) {
    if (r.met() == null) {
      return r.target();
    }
    return r.target() + (r.met() ? " ok" : " MISSED");
  }

  static List<String[]> cells(List<Row> rows) {
    List<String[]> out = new ArrayList<>();
    out.add(HEADER);
    for (Row r : rows) {
      out.add(new String[] {r.benchmark(), r.what(), r.size(), r.figure(), r.limit(), fmt(r.ratio()), target(r),
          fmt(r.p50()), fmt(r.p99())});
    }
    return out;
  }

  static void print(List<Row> rows, PrintStream out) {
    List<String[]> cells = cells(rows);
    int[] w = new int[HEADER.length];
    for (String[] line : cells) {
      for (int i = 0; i < line.length; i++) {
        w[i] = Math.max(w[i], line[i].length());
      }
    }
    for (int n = 0; n < cells.size(); n++) {
      StringBuilder sb = new StringBuilder();
      String[] line = cells.get(n);
      for (int i = 0; i < line.length; i++) {
        sb.append(String.format("%-" + w[i] + "s", line[i]));
        if (i < line.length - 1) {
          sb.append(" | ");
        }
      }
      out.println(sb.toString().stripTrailing());
      if (n == 0) {
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < w.length; i++) {
          rule.append("-".repeat(w[i])).append(i < w.length - 1 ? "-+-" : "");
        }
        out.println(rule);
      }
    }
  }

  static void writeJson(Path dir, String name, boolean quick, List<Row> rows, String error, double seconds)
      throws IOException {
    Files.createDirectories(dir);
    ObjectNode root = Api.JSON.createObjectNode();
    root.put("benchmark", name);
    root.put("time", Instant.now().toString());
    root.put("quick", quick);
    root.put("seconds", Math.round(seconds * 10) / 10.0);
    root.set("machine", Machine.describe());
    if (error != null) {
      root.put("error", error);
    }
    ArrayNode list = root.putArray("rows");
    for (Row r : rows) {
      ObjectNode o = list.addObject();
      o.put("what", r.what());
      o.put("size", r.size());
      o.put("figure", r.figure());
      o.put("limit", r.limit());
      putNumber(o, "ratio", r.ratio());
      o.put("target", r.target());
      if (r.met() != null) {
        o.put("targetMet", r.met());
      }
      putNumber(o, "p50Ms", r.p50());
      putNumber(o, "p99Ms", r.p99());
    }
    Files.writeString(dir.resolve(name + ".json"),
        Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
  }

  private static void putNumber(ObjectNode o, String key, double v) {
    if (!Double.isNaN(v)) {
      o.put(key, Math.round(v * 1000) / 1000.0);
    }
  }
}
