package io.quarkube.apiserver.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** CN is the user, each O a group, as upstream maps client certificates. */
class ClientCertificateAuthenticatorTest {
  @Test
  void subjectBecomesUserAndGroups() {
    UserInfo u = ClientCertificateAuthenticator.fromSubject("CN=system:node:a,O=system:nodes").orElseThrow();
    assertEquals("system:node:a", u.name());
    assertEquals(List.of("system:nodes", "system:authenticated"), u.groups());
    UserInfo admin = ClientCertificateAuthenticator.fromSubject("CN=admin,O=system:masters,O=team").orElseThrow();
    assertEquals(List.of("system:masters", "team", "system:authenticated"), admin.groups());
    assertEquals(true, ClientCertificateAuthenticator.fromSubject("O=only-org").isEmpty());
  }
}
