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
}
