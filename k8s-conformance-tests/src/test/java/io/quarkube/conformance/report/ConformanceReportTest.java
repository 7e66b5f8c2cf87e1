package io.quarkube.conformance.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkube.conformance.report.Catalogue.Behaviour;
import io.quarkube.conformance.report.ConformanceReport.Outcome;
import io.quarkube.conformance.report.ConformanceReport.Status;
import io.quarkube.conformance.report.ConformanceReport.TestResult;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Verdicts, totals and the three renderings of the report (no cluster needed). */
class ConformanceReportTest {
  private static Behaviour b(String id, String area, String known) {
    return new Behaviour(id, area, "does " + id, List.of("[sig-x] " + id + " [Conformance]"),
        Optional.ofNullable(known));
  }

  private final Catalogue catalogue = new Catalogue(List.of(b("node.a", "node", null), b("node.b", "node", null),
      b("node.c", "node", null), b("cli.d", "cli", null), b("cli.e", "cli", "server lacks X"),
      b("cli.f", "cli", null), b("cli.g", "cli", "fixed meanwhile")));

  private ConformanceReport report() {
    return ConformanceReport.of(catalogue, Set.of("node.a", "node.b", "node.c", "cli.e", "cli.f", "cli.g"), List.of(
        new TestResult("T.a1", List.of("node.a"), Outcome.PASSED, ""),
        new TestResult("T.a2 [2] kubectl 1.33", List.of("node.a", "node.b"), Outcome.FAILED, "boom\nmore"),
        new TestResult("T.b", List.of("node.b"), Outcome.PASSED, ""),
        new TestResult("T.c", List.of("node.c"), Outcome.SKIPPED, "no node"),
        new TestResult("T.e", List.of("cli.e"), Outcome.KNOWN_FAILURE, "known failure ..."),
        new TestResult("T.g", List.of("cli.g"), Outcome.PASSED, "")));
  }

  private static Map<String, Status> statuses(ConformanceReport r) {
    return r.lines().stream().collect(Collectors.toMap(l -> l.behaviour().id(), ConformanceReport.Line::status));
  }

  @Test
  void verdictPerBehaviour() {
    ConformanceReport r = report();
    assertEquals(Map.of("node.a", Status.FAIL, "node.b", Status.FAIL, "node.c", Status.SKIP, "cli.d", Status.MISSING,
        "cli.e", Status.FAIL, "cli.f", Status.NOT_RUN, "cli.g", Status.PASS), statuses(r));
    Map<String, ConformanceReport.Line> byId = r.lines().stream().collect(Collectors.toMap(l -> l.behaviour().id(),
        l -> l));
    assertEquals("known: server lacks X", byId.get("cli.e").note());
    assertTrue(byId.get("cli.g").note().contains("remove it"), "a pass of a known failure is pointed out");
    assertTrue(r.lines().get(0).note().startsWith("T.a2 [2] kubectl 1.33: boom"), r.lines().get(0).note());
    assertFalse(r.conformant());
  }

  @Test
  void linesAreGroupedByAreaInTheFixedOrder() {
    Catalogue mixed = new Catalogue(List.of(b("cli.x", "cli", null), b("node.y", "node", null),
        b("cli.z", "cli", null)));
    assertEquals(List.of("node.y", "cli.x", "cli.z"), ConformanceReport.of(mixed, Set.of(), List.of()).lines()
        .stream().map(l -> l.behaviour().id()).toList());
  }

  @Test
  void totalsPerArea() {
    var totals = report().totalsByArea();
    assertEquals(2, totals.get("node").get(Status.FAIL));
    assertEquals(1, totals.get("node").get(Status.SKIP));
    assertEquals(1, totals.get("cli").get(Status.MISSING));
    assertEquals(1, totals.get("cli").get(Status.PASS));
    assertEquals(0, totals.get("storage").values().stream().mapToInt(Integer::intValue).sum());
    assertEquals(7, report().totals().values().stream().mapToInt(Integer::intValue).sum());
  }

  @Test
  void missingIsAnErrorInJunitXmlNeverASkipOrAPass() {
    String xml = report().junitXml();
    assertTrue(xml.contains("<testcase classname=\"conformance.cli\" name=\"cli.d\">\n"
        + "      <error type=\"missing\""), xml);
    assertTrue(xml.contains("<failure type=\"known-failure\" message=\"known: server lacks X\"/>"), xml);
    assertTrue(xml.contains("<testsuites name=\"quarkube-conformance\" tests=\"7\" failures=\"3\" errors=\"1\""
        + " skipped=\"2\">"), xml);
  }

  @Test
  void markdownAndTextListEveryBehaviourAndTheTotals() {
    ConformanceReport r = report();
    String md = r.markdown();
    String text = r.text();
    for (Behaviour b : catalogue.behaviours()) {
      assertTrue(md.contains("`" + b.id() + "`"), b.id());
      assertTrue(text.contains(b.id()), b.id());
    }
    assertTrue(md.contains("| node | 0 | 2 | 1 | 0 | 0 | 3 |"), md);
    assertTrue(md.contains("| missing | `cli.d`"), md);
    assertTrue(text.lines().anyMatch(l -> l.matches("all\\s+1\\s+3\\s+1\\s+1\\s+1\\s+7")), text);
  }

  @Test
  void unknownIdsAreReported() {
    ConformanceReport r = ConformanceReport.of(catalogue, Set.of("node.zzz"), List.of());
    assertEquals(Set.of("node.zzz"), r.unknownIds());
    assertTrue(r.text().contains("error: tests name node.zzz"));
  }
}
