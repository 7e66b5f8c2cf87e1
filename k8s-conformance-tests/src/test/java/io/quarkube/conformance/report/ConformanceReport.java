package io.quarkube.conformance.report;

import io.quarkube.conformance.report.Catalogue.Behaviour;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One line per catalogue behaviour with the outcome of the tests that name it, totals per area, and the same as
 * markdown, plain text (for the terminal) and JUnit XML. Pure: built from results, no I/O.
 */
public final class ConformanceReport {
  /** A behaviour's verdict. MISSING: no test names it; NOT_RUN: tests exist but none ran in this run. */
  public enum Status {
    PASS, FAIL, SKIP, MISSING, NOT_RUN;

    public String label() {
      return name().toLowerCase().replace('_', '-');
    }
  }

  /** How one test (or one invocation of a parameterized test) ended. */
  public enum Outcome { PASSED, FAILED, KNOWN_FAILURE, SKIPPED }

  public record TestResult(String test, List<String> ids, Outcome outcome, String message) {}

  public record Line(Behaviour behaviour, Status status, List<TestResult> tests, String note) {}

  private final List<Line> lines;
  private final Set<String> unknownIds;

  private ConformanceReport(List<Line> lines, Set<String> unknownIds) {
    this.lines = lines;
    this.unknownIds = unknownIds;
  }

  /**
   * @param idsWithTests every behaviour id some test in the suite names (ran or not)
   * @param results the tests that ran (or were skipped) in this run
   */
  public static ConformanceReport of(Catalogue catalogue, Set<String> idsWithTests, List<TestResult> results) {
    Map<String, Behaviour> byId = catalogue.byId();
    Set<String> unknown = new TreeSet<>();
    idsWithTests.stream().filter(id -> !byId.containsKey(id)).forEach(unknown::add);
    results.forEach(r -> r.ids().stream().filter(id -> !byId.containsKey(id)).forEach(unknown::add));
    List<Line> lines = new ArrayList<>();
    // Grouped by area in the areas' fixed order, the catalogue's order within an area.
    List<Behaviour> ordered = new ArrayList<>(catalogue.behaviours());
    ordered.sort(java.util.Comparator.comparingInt(b -> Catalogue.AREAS.indexOf(b.area())));
    for (Behaviour b : ordered) {
      List<TestResult> mine = results.stream().filter(r -> r.ids().contains(b.id())).toList();
      lines.add(verdict(b, idsWithTests.contains(b.id()), mine));
    }
    return new ConformanceReport(List.copyOf(lines), unknown);
  }

  private static Line verdict(Behaviour b, boolean hasTests, List<TestResult> tests) {
    if (tests.isEmpty()) {
      return hasTests ? new Line(b, Status.NOT_RUN, tests, "its tests were not selected in this run")
          : new Line(b, Status.MISSING, tests, "no test covers it yet");
    }
    if (tests.stream().anyMatch(t -> t.outcome() == Outcome.FAILED)) {
      return new Line(b, Status.FAIL, tests, firstMessage(tests, Outcome.FAILED));
    }
    if (tests.stream().anyMatch(t -> t.outcome() == Outcome.KNOWN_FAILURE)) {
      return new Line(b, Status.FAIL, tests, "known: " + b.knownFailure().orElse(firstMessage(tests,
          Outcome.KNOWN_FAILURE)));
    }
    if (tests.stream().anyMatch(t -> t.outcome() == Outcome.PASSED)) {
      String note = b.knownFailure().isPresent()
          ? "passes although the catalogue lists a known-failure: remove it" : "";
      return new Line(b, Status.PASS, tests, note);
    }
    return new Line(b, Status.SKIP, tests, firstMessage(tests, Outcome.SKIPPED));
  }

  private static String firstMessage(List<TestResult> tests, Outcome outcome) {
    return tests.stream().filter(t -> t.outcome() == outcome).findFirst()
        .map(t -> t.test() + (t.message() == null || t.message().isBlank() ? "" : ": " + oneLine(t.message())))
        .orElse("");
  }

  private static String oneLine(String s) {
    String line = s.strip().lines().findFirst().orElse("");
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
  }

  public List<Line> lines() {
    return lines;
  }

  /** Ids that tests name but the catalogue does not hold (a typo or a missing catalogue entry). */
  public Set<String> unknownIds() {
    return unknownIds;
  }

  /** Counts per area (catalogue order of areas), each with every status. */
  public Map<String, Map<Status, Integer>> totalsByArea() {
    Map<String, Map<Status, Integer>> totals = new LinkedHashMap<>();
    for (String area : Catalogue.AREAS) {
      totals.put(area, emptyCounts());
    }
    for (Line l : lines) {
      totals.computeIfAbsent(l.behaviour().area(), a -> emptyCounts()).merge(l.status(), 1, Integer::sum);
    }
    return totals;
  }

  public Map<Status, Integer> totals() {
    Map<Status, Integer> all = emptyCounts();
    lines.forEach(l -> all.merge(l.status(), 1, Integer::sum));
    return all;
  }

  /** Whether every behaviour passes (the subset is proven). */
  public boolean conformant() {
    return unknownIds.isEmpty() && lines.stream().allMatch(l -> l.status() == Status.PASS);
  }

  private static Map<Status, Integer> emptyCounts() {
    Map<Status, Integer> m = new EnumMap<>(Status.class);
    for (Status s : Status.values()) {
      m.put(s, 0);
    }
    return m;
  }

  public String text() {
    StringBuilder out = new StringBuilder();
    int width = lines.stream().mapToInt(l -> l.behaviour().id().length()).max().orElse(10);
    String area = null;
    for (Line l : lines) {
      if (!l.behaviour().area().equals(area)) {
        area = l.behaviour().area();
        out.append('\n').append(area).append('\n');
      }
      out.append(String.format("  %-8s %-" + width + "s  %s%s%n", l.status().label(), l.behaviour().id(),
          l.behaviour().description(), l.note().isBlank() ? "" : "  [" + l.note() + "]"));
    }
    out.append('\n').append(String.format("%-14s %5s %5s %5s %8s %8s %6s%n", "area", "pass", "fail", "skip",
        "missing", "not-run", "total"));
    totalsByArea().forEach((a, counts) -> out.append(countsRow(a, counts)));
    out.append(countsRow("all", totals()));
    unknownIds.forEach(id -> out.append("error: tests name ").append(id).append(", which the catalogue lacks\n"));
    return out.toString();
  }

  private static String countsRow(String name, Map<Status, Integer> c) {
    int total = c.values().stream().mapToInt(Integer::intValue).sum();
    return String.format("%-14s %5d %5d %5d %8d %8d %6d%n", name, c.get(Status.PASS), c.get(Status.FAIL),
        c.get(Status.SKIP), c.get(Status.MISSING), c.get(Status.NOT_RUN), total);
  }

  public String markdown() {
    StringBuilder md = new StringBuilder("# Quarkube conformance report\n\n");
    md.append("One line per behaviour of `k8s-conformance-tests/src/test/resources/conformance-subset.yaml`. ")
        .append("`missing`: no test covers it yet; `not-run`: its tests were not selected in this run.\n\n");
    md.append("| area | pass | fail | skip | missing | not-run | total |\n|---|---:|---:|---:|---:|---:|---:|\n");
    Map<String, Map<Status, Integer>> byArea = new LinkedHashMap<>(totalsByArea());
    byArea.put("**all**", totals());
    byArea.forEach((a, c) -> md.append("| ").append(a).append(" | ").append(c.get(Status.PASS)).append(" | ")
        .append(c.get(Status.FAIL)).append(" | ").append(c.get(Status.SKIP)).append(" | ")
        .append(c.get(Status.MISSING)).append(" | ").append(c.get(Status.NOT_RUN)).append(" | ")
        .append(c.values().stream().mapToInt(Integer::intValue).sum()).append(" |\n"));
    for (String id : unknownIds) {
      md.append("\n**error:** tests name `").append(id).append("`, which the catalogue lacks.\n");
    }
    String area = null;
    for (Line l : lines) {
      if (!l.behaviour().area().equals(area)) {
        area = l.behaviour().area();
        md.append("\n## ").append(area).append("\n\n| status | behaviour | tests | upstream conformance tests |\n")
            .append("|---|---|---|---|\n");
      }
      md.append("| ").append(l.status().label()).append(" | `").append(l.behaviour().id()).append("` ")
          .append(md(l.behaviour().description()));
      if (!l.note().isBlank()) {
        md.append(" — _").append(md(l.note())).append("_");
      }
      md.append(" | ").append(md(String.join("<br>", l.tests().stream().map(t -> t.test() + " "
          + t.outcome().name().toLowerCase()).toList()))).append(" | ")
          .append(md(String.join("<br>", l.behaviour().upstream()))).append(" |\n");
    }
    return md.toString();
  }

  private static String md(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }

  /** JUnit XML: one testsuite per area, one testcase per behaviour; missing ones are errors, not skips. */
  public String junitXml() {
    Map<Status, Integer> all = totals();
    StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.append(String.format("<testsuites name=\"quarkube-conformance\" tests=\"%d\" failures=\"%d\" errors=\"%d\""
        + " skipped=\"%d\">%n", lines.size(), all.get(Status.FAIL), all.get(Status.MISSING),
        all.get(Status.SKIP) + all.get(Status.NOT_RUN)));
    Map<String, Map<Status, Integer>> byArea = totalsByArea();
    for (var e : byArea.entrySet()) {
      List<Line> mine = lines.stream().filter(l -> l.behaviour().area().equals(e.getKey())).toList();
      if (mine.isEmpty()) {
        continue;
      }
      Map<Status, Integer> c = e.getValue();
      x.append(String.format("  <testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\">%n",
          xml(e.getKey()), mine.size(), c.get(Status.FAIL), c.get(Status.MISSING),
          c.get(Status.SKIP) + c.get(Status.NOT_RUN)));
      for (Line l : mine) {
        x.append(String.format("    <testcase classname=\"conformance.%s\" name=\"%s\">%n", xml(e.getKey()),
            xml(l.behaviour().id())));
        switch (l.status()) {
          case FAIL -> x.append(String.format("      <failure type=\"%s\" message=\"%s\"/>%n",
              l.note().startsWith("known: ") ? "known-failure" : "failure", xml(l.note())));
          case MISSING -> x.append(String.format("      <error type=\"missing\" message=\"%s\"/>%n", xml(l.note())));
          case SKIP, NOT_RUN -> x.append(String.format("      <skipped message=\"%s: %s\"/>%n", l.status().label(),
              xml(l.note())));
          case PASS -> { }
        }
        StringBuilder out = new StringBuilder(l.behaviour().description()).append('\n');
        l.behaviour().upstream().forEach(u -> out.append("upstream: ").append(u).append('\n'));
        l.tests().forEach(t -> out.append("test: ").append(t.test()).append(' ')
            .append(t.outcome().name().toLowerCase()).append('\n'));
        x.append("      <system-out>").append(xml(out.toString())).append("</system-out>\n");
        x.append("    </testcase>\n");
      }
      x.append("  </testsuite>\n");
    }
    return x.append("</testsuites>\n").toString();
  }

  private static String xml(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        default -> {
          if (ch >= 0x20 || ch == '\n' || ch == '\t' || ch == '\r') {
            b.append(ch);
          }
        }
      }
    }
    return b.toString();
  }
}
