package io.quarkube.conformance.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Legacy service-account token Secrets made by hand (no longer made automatically since 1.24, still filled in by
 * the controller manager's token controller): the token works with {@code kubectl --token} while its Secret lives,
 * and a Secret naming a missing account is removed.
 */
@ExtendWith(TestNamespace.class)
class LegacyTokenSecretTest {
  private static final String UNAUTHORIZED = "error: You must be logged in to the server (Unauthorized)";
  private final KubernetesClient client = Cluster.client();

  private static String tokenSecret(String name, String account) {
    return "apiVersion: v1\nkind: Secret\nmetadata:\n  name: " + name + "\n  annotations:\n"
        + "    kubernetes.io/service-account.name: " + account + "\ntype: kubernetes.io/service-account-token\n";
  }

  @Test
  void aTokenSecretIsFilledInAndItsTokenAuthenticatesUntilItIsDeleted(String ns, @TempDir Path dir) {
    Kubectl k = Kubectl.stock();
    k.run("create", "serviceaccount", "bot", "-n", ns).ok();
    k.runWithInput(tokenSecret("bot-token", "bot"), "apply", "-n", ns, "-f", "-").ok();
    Await.until(Duration.ofSeconds(30), "the token in " + ns + "/bot-token", () -> {
      Secret s = client.secrets().inNamespace(ns).withName("bot-token").get();
      return s != null && s.getData() != null && s.getData().containsKey("token");
    });
    Secret s = client.secrets().inNamespace(ns).withName("bot-token").get();
    assertEquals(ns, decode(s.getData().get("namespace")));
    assertEquals(new String(Identities.caPem(), StandardCharsets.UTF_8).strip(),
        decode(s.getData().get("ca.crt")).strip(), "the cluster CA");
    assertEquals(client.serviceAccounts().inNamespace(ns).withName("bot").get().getMetadata().getUid(),
        s.getMetadata().getAnnotations().get("kubernetes.io/service-account.uid"));
    assertTrue(k.run("get", "secret", "bot-token", "-n", ns).ok().out().matches("(?s).*bot-token\\s+"
        + "kubernetes.io/service-account-token\\s+3\\s.*"), "DATA 3");

    String token = decode(s.getData().get("token"));
    Path noUser;
    try {
      noUser = Identities.kubeconfigWithUser(dir, "nobody", "");
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    String who = Identities.kubectlWith(noUser, "--token", token, "auth", "whoami").ok().out();
    assertTrue(who.contains("system:serviceaccount:" + ns + ":bot"), who);
    Identities.kubectlWith(noUser, "--token", token, "get", "configmaps", "-n", ns).fails();
    k.run("create", "rolebinding", "bot-view", "--clusterrole=view", "--serviceaccount=" + ns + ":bot", "-n", ns)
        .ok();
    Await.until(Duration.ofSeconds(30), "the binding lets bot list config maps",
        () -> Identities.kubectlWith(noUser, "--token", token, "get", "configmaps", "-n", ns).exitCode() == 0);
    assertTrue(Identities.kubectlWith(noUser, "--token", token, "get", "configmaps", "-n", ns).ok().out()
        .contains("kube-root-ca.crt"));

    // The token lives only as long as its Secret.
    k.run("delete", "secret", "bot-token", "-n", ns).ok();
    Await.until(Duration.ofSeconds(30), "the token refused once its Secret is gone",
        () -> Identities.kubectlWith(noUser, "--token", token, "auth", "whoami").err().contains(UNAUTHORIZED));
  }

  @Test
  void aTokenSecretOfAMissingAccountIsDeleted(String ns) {
    Kubectl.stock().runWithInput(tokenSecret("ghost-token", "ghost"), "apply", "-n", ns, "-f", "-").ok();
    Await.until(Duration.ofSeconds(30), "ghost-token deleted",
        () -> client.secrets().inNamespace(ns).withName("ghost-token").get() == null);
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }
}
