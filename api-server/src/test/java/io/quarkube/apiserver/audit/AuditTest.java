package io.quarkube.apiserver.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkube.apiserver.auth.UserInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default audit policy and size-based rotation. */
class AuditTest {
  private static final UserInfo ALICE = new UserInfo("alice", "", List.of("system:authenticated"));
  private static final UserInfo NODE = new UserInfo("system:node:a", "", List.of("system:nodes",
      "system:authenticated"));

  private static AuditPolicy.Request res(UserInfo u, String verb, String group, String resource, String sub) {
    return new AuditPolicy.Request(u, verb, true, group, resource, sub, "ns", "x", "/api/v1/x");
  }

  @Test
  void defaultPolicyLevels() throws Exception {
    AuditPolicy p = AuditPolicy.parse(AuditPolicy.DEFAULT);
    assertEquals(AuditLevel.None, p.level(new AuditPolicy.Request(ALICE, "get", false, null, null, null, null, null,
        "/readyz")));
    assertEquals(AuditLevel.Metadata, p.level(res(ALICE, "create", "", "secrets", null)), "no secret bodies");
    assertEquals(AuditLevel.Metadata, p.level(res(ALICE, "create", "", "serviceaccounts", "token")));
    assertEquals(AuditLevel.Metadata, p.level(res(ALICE, "create", "", "configmaps", null)),
        "config maps may hold credentials too");
    assertEquals(AuditLevel.Request, p.level(res(ALICE, "patch", "apps", "deployments", null)));
    assertEquals(AuditLevel.Metadata, p.level(res(ALICE, "list", "apps", "deployments", null)));
    assertEquals(AuditLevel.None, p.level(res(NODE, "update", "coordination.k8s.io", "leases", null)));
    assertEquals(AuditLevel.Metadata, p.level(new AuditPolicy.Request(ALICE, "get", false, null, null, null, null,
        null, "/openid/v1/jwks")));
  }

  @Test
  void rotatesBySize(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("audit.log");
    try (AuditLog a = new AuditLog(log, 100, 2)) {
      for (int i = 0; i < 10; i++) {
        a.write(AuditLog.utf8("{\"n\":" + i + ",\"pad\":\"" + "x".repeat(30) + "\"}"));
      }
    }
    assertTrue(Files.exists(dir.resolve("audit.log.1")));
    assertTrue(Files.exists(dir.resolve("audit.log.2")));
    assertTrue(!Files.exists(dir.resolve("audit.log.3")), "only maxBackups are kept");
    assertTrue(Files.size(log) <= 100);
    List<String> last = Files.readAllLines(log);
    assertTrue(last.get(last.size() - 1).contains("\"n\":9"));
  }

  @Test
  void aBatchThatCrossesTheSizeLimitRotatesBetweenItsLines(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("audit.log");
    List<byte[]> lines = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      lines.add(AuditLog.utf8("{\"n\":" + i + ",\"pad\":\"" + "x".repeat(30) + "\"}"));
    }
    try (AuditLog a = new AuditLog(log, 100, 5)) {
      a.write(lines);
    }
    assertEquals(List.of("\"n\":0", "\"n\":1"), numbers(dir.resolve("audit.log.2")));
    assertEquals(List.of("\"n\":2", "\"n\":3"), numbers(dir.resolve("audit.log.1")));
    assertEquals(List.of("\"n\":4"), numbers(log));
  }

  @Test
  void theWriterKeepsEveryLineInOrderAndFlushesOnClose(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("audit.log");
    int threads = 4;
    int perThread = 5_000;
    AuditWriter writer = new AuditWriter(new AuditLog(log, 1L << 30, 1));
    Thread[] ts = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      int id = t;
      ts[t] = new Thread(() -> {
        for (int i = 0; i < perThread; i++) {
          writer.submit(AuditLog.utf8("{\"t\":" + id + ",\"i\":" + i + "}"));
        }
      });
      ts[t].start();
    }
    for (Thread t : ts) {
      t.join();
    }
    writer.close();
    List<String> written = Files.readAllLines(log);
    assertEquals(threads * perThread, written.size(), "nothing lost, also what was queued at close");
    int[] next = new int[threads];
    for (String line : written) {
      int t = Integer.parseInt(line.replaceAll(".*\"t\":(\\d+).*", "$1"));
      int i = Integer.parseInt(line.replaceAll(".*\"i\":(\\d+).*", "$1"));
      assertEquals(next[t]++, i, "each thread's lines in the order it submitted them");
    }
  }

  private static List<String> numbers(Path file) throws Exception {
    return Files.readAllLines(file).stream().map(l -> l.replaceAll(".*(\"n\":\\d+).*", "$1")).toList();
  }
}
