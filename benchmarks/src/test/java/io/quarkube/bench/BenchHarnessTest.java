package io.quarkube.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness without a cluster: arguments, percentiles, the table, the JSON, and reading other tools' output. */
class BenchHarnessTest {
  @Test
  void percentilesByNearestRank() {
    Latencies l = new Latencies();
    for (int i = 1; i <= 100; i++) {
      l.add(i * 1_000_000L); // 1..100 ms
    }
    assertEquals(50.0, l.p50());
    assertEquals(99.0, l.p99());
    assertEquals(100.0, l.maxMs());
    assertTrue(Double.isNaN(new Latencies().p99()));
  }

  @Test
  void watchReaderFindsEachRoundAcrossChunkBoundaries() {
    List<Integer> rounds = new java.util.ArrayList<>();
    FanOut.RoundScanner scanner = new FanOut.RoundScanner(rounds::add);
    String stream = "\n{\"type\":\"MODIFIED\",\"object\":{\"metadata\":{\"annotations\":{\"x\":\"\"\"bench\","
        + "\"bench.quarkube.io/round\":\"12\"},\"managedFields\":[{\"fieldsV1\":{\"f:bench.quarkube.io/round\":{}}}]}}}\n"
        + "{\"type\":\"MODIFIED\",\"object\":{\"metadata\":{\"annotations\":{\"bench.quarkube.io/round\":\"13\"}}}}\n"
        + "{\"bench.quarkube.io/round\":\"x\"}\n";
    byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
    // Fed in every split into two chunks: the marker or the number may be cut anywhere.
    for (int cut = 0; cut <= bytes.length; cut++) {
      rounds.clear();
      io.netty.buffer.Unpooled.wrappedBuffer(bytes, 0, cut).forEachByte(scanner);
      io.netty.buffer.Unpooled.wrappedBuffer(bytes, cut, bytes.length - cut).forEachByte(scanner);
      assertEquals(List.of(12, 13), rounds, "cut at " + cut);
    }
  }

  @Test
  void argumentsNameBenchmarksInTheirOrderOrAll() {
    var known = BenchMain.benchmarks();
    BenchMain.Args all = BenchMain.parse(new String[] {"--state-dir", "/s", "--quick"}, known);
    assertTrue(all.quick());
    assertEquals(List.copyOf(known.keySet()), all.names());
    BenchMain.Args some = BenchMain.parse(new String[] {"--state-dir", "/s", "watch", "write"}, known);
    assertEquals(List.of("watch", "write"), some.names());
    assertNull(some.limitEtcd(), "raw puts go to the cluster's etcd unless the launcher started one for them");
    assertEquals("http://127.0.0.1:9", BenchMain.parse(
        new String[] {"--state-dir", "/s", "--limit-etcd", "http://127.0.0.1:9", "write"}, known).limitEtcd());
    assertThrows(IllegalArgumentException.class,
        () -> BenchMain.parse(new String[] {"--state-dir", "/s", "nope"}, known));
    assertThrows(IllegalArgumentException.class, () -> BenchMain.parse(new String[] {"write"}, known));
  }

  @Test
  void tableHasOneLinePerRowAndMarksMissedTargets() {
    Row r = new Row("write", "pod create, 1 client", "10 × 2 KiB", "100 creates/s", "1000 etcd puts/s", 0.1,
        "ratio ≥ 0.5", false, 5, 9.5);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Report.print(List.of(r, Row.info("proxy", "not available", "-", "-")), new PrintStream(out, true));
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(4, lines.size()); // header, rule, two rows
    assertTrue(lines.get(2).contains("ratio ≥ 0.5 MISSED"), lines.get(2));
    assertTrue(lines.get(2).contains("9.50"), lines.get(2));
  }

  @Test
  void jsonPerBenchmark(@TempDir Path dir) throws Exception {
    Report.writeJson(dir, "read", true, List.of(Row.info("read", "GET", "1", "2 ms")), null, 1.23);
    var json = Api.JSON.readTree(Files.readString(dir.resolve("read.json")));
    assertEquals("read", json.path("benchmark").asText());
    assertTrue(json.path("quick").asBoolean());
    assertEquals("2 ms", json.path("rows").get(0).path("figure").asText());
  }

  @Test
  void readsTheLaunchersStepTimes() {
    String steps = FootprintBench.steps(List.of("==> packages", "    skipped (0.0s, total 0.0s)", "==> etcd",
        "    started (pid 1), healthy; log x (0.6s, total 1.2s)", "==> api-server", "    started pid 2; waiting",
        "    ready (pid 2) (1m08s, total 1m09s)"));
    assertEquals("packages 0.0s, etcd 0.6s, api-server 1m08s", steps);
  }

  @Test
  void readsTheSchedulersBenchmarkLine() {
    Matcher m = SchedulerBench.RATE.matcher("scheduled 1000/1000 pods in 10.6 s: 94 pods/s on average");
    assertTrue(m.find());
    assertEquals("94", m.group(4));
  }

  @Test
  void readsTheSchedulersBenchmarkEtcdBaselinesAsItsCeiling() {
    Matcher before = SchedulerBench.PUTS.matcher("baseline: raw etcd puts (jetcd, 32 in flight, 1.5 KB) 5254/s");
    Matcher after = SchedulerBench.PUTS.matcher("baseline after: raw etcd puts 7771/s");
    assertTrue(before.find() && after.find());
    assertEquals("5254", before.group(1));
    assertEquals("7771", after.group(1));
    assertEquals(3256.25, SchedulerBench.ceiling(java.util.List.of(5254.0, 7771.0)), 1e-9);
    assertTrue(Double.isNaN(SchedulerBench.ceiling(java.util.List.of())));
    assertTrue(!SchedulerBench.PUTS.matcher("ratio: 5.1% of the raw etcd put rate").find());
  }

  @Test
  void podJsonIsAboutTwoKibibytes() throws Exception {
    byte[] pod = PodJson.pod("ns", "w-000001");
    assertTrue(pod.length > 1800 && pod.length < 2400, "size " + pod.length);
    assertEquals(PodJson.NO_SCHEDULER, Api.JSON.readTree(pod).path("spec").path("schedulerName").asText());
  }

  @Test
  void footprintPortsMoveWithTheClusterUnderTest() {
    assertEquals(List.of(16943, 12879, 12880, 15500, 20750, 20748, 20759, 20757, 20756, 20553),
        FootprintBench.ports(16443 + 500, 12379 + 500));
  }
}
