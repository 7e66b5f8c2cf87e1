package io.quarkube.conformance.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * RBAC and Node authorization with stock kubectl: {@code kubectl auth can-i} answers as upstream does for the
 * default roles, 403s carry upstream's message, kubelets cannot touch other nodes' objects, and every component of
 * {@code ./quarkube up} runs as its own identity with only its own rights.
 */
@ExtendWith(TestNamespace.class)
class AuthorizationTest {
  private final Kubectl kubectl = Kubectl.stock();

  private record Case(String expected, String[] args) {}

  private static Case can(boolean expected, String... args) {
    return new Case(expected ? "yes" : "no", args);
  }

  @Conformance("cli.auth-can-i")
  @Test
  void canIMatchesUpstreamForTheDefaultRoles(String ns) {
    kubectl.run("create", "rolebinding", "viewer", "--clusterrole=view", "--user=viewer", "-n", ns).ok();
    kubectl.run("create", "rolebinding", "editor", "--clusterrole=edit", "--user=editor", "-n", ns).ok();
    kubectl.run("create", "rolebinding", "owner", "--clusterrole=admin", "--group=owners", "-n", ns).ok();
    List<Case> cases = List.of(
        can(true, "create", "pods", "-n", ns),
        can(true, "*", "*"),
        can(false, "get", "pods", "-n", ns, "--as", "bob"),
        can(false, "list", "namespaces", "--as", "bob"),
        can(true, "create", "selfsubjectaccessreviews.authorization.k8s.io", "--as", "bob"),
        can(true, "get", "/healthz", "--as", "bob"),
        can(true, "get", "/apis/apps/v1", "--as", "bob"),
        can(false, "get", "/metrics", "--as", "bob"),
        can(false, "impersonate", "users/admin", "--as", "bob"),
        can(true, "list", "pods", "-n", ns, "--as", "viewer"),
        can(true, "get", "pods", "--subresource=log", "-n", ns, "--as", "viewer"),
        can(false, "get", "secrets", "-n", ns, "--as", "viewer"),
        can(false, "create", "pods", "-n", ns, "--as", "viewer"),
        can(true, "watch", "deployments.apps", "-n", ns, "--as", "viewer"),
        can(false, "list", "pods", "-n", "default", "--as", "viewer"),
        can(true, "get", "namespace/" + ns, "-n", ns, "--as", "viewer"),
        can(true, "create", "deployments.apps", "-n", ns, "--as", "editor"),
        can(true, "delete", "pods", "-n", ns, "--as", "editor"),
        can(true, "get", "secrets", "-n", ns, "--as", "editor"),
        can(true, "create", "pods", "--subresource=exec", "-n", ns, "--as", "editor"),
        can(true, "create", "serviceaccounts", "--subresource=token", "-n", ns, "--as", "editor"),
        can(false, "create", "roles.rbac.authorization.k8s.io", "-n", ns, "--as", "editor"),
        can(false, "update", "resourcequotas", "-n", ns, "--as", "editor"),
        can(true, "create", "rolebindings.rbac.authorization.k8s.io", "-n", ns, "--as", "carol", "--as-group",
            "owners"),
        can(false, "delete", "namespace/" + ns, "--as", "carol", "--as-group", "owners"),
        can(true, "create", "pods", "--subresource=binding", "-n", ns, "--as", "system:kube-scheduler"),
        can(false, "create", "pods", "-n", ns, "--as", "system:kube-scheduler"),
        can(true, "update", "leases.coordination.k8s.io/kube-scheduler", "-n", "kube-system", "--as",
            "system:kube-scheduler"),
        can(false, "update", "nodes", "--as", "system:kube-scheduler"),
        can(true, "list", "secrets", "-A", "--as", "system:kube-controller-manager"),
        can(true, "create", "replicasets.apps", "-n", ns, "--as", "system:kube-controller-manager"),
        can(true, "list", "endpointslices.discovery.k8s.io", "-A", "--as", "system:kube-proxy"),
        can(false, "get", "secrets", "-n", ns, "--as", "system:kube-proxy"),
        can(false, "list", "secrets", "-n", ns, "--as", "system:node:somenode", "--as-group", "system:nodes"),
        can(true, "update", "leases.coordination.k8s.io/somenode", "-n", "kube-node-lease", "--as",
            "system:node:somenode", "--as-group", "system:nodes"),
        can(false, "update", "leases.coordination.k8s.io/othernode", "-n", "kube-node-lease", "--as",
            "system:node:somenode", "--as-group", "system:nodes"),
        can(true, "get", "/openid/v1/jwks", "--as", "system:serviceaccount:" + ns + ":default"),
        can(true, "create", "certificatesigningrequests.certificates.k8s.io", "--as", "system:bootstrap:abcdef",
            "--as-group", "system:bootstrappers"));
    List<String> wrong = new ArrayList<>();
    for (Case c : cases) {
      String[] args = Stream.concat(Stream.of("auth", "can-i"), Stream.of(c.args())).toArray(String[]::new);
      String answer = answer(c.expected(), args);
      if (!answer.equals(c.expected())) {
        wrong.add(String.join(" ", args) + " -> " + answer + ", upstream says " + c.expected());
      }
    }
    assertTrue(wrong.isEmpty(), String.join("\n", wrong));
  }

  @Test
  void nonResourceUrlsNeedTheirRolesAndReadyzListsItsChecks() {
    // system:discovery is bound to every authenticated user; /metrics only to system:monitoring (and admins).
    kubectl.run("get", "--raw", "/api", "--as", "e2e-nobody").ok();
    kubectl.run("get", "--raw", "/openapi/v3", "--as", "e2e-nobody").ok();
    Kubectl.Result metrics = kubectl.run("get", "--raw", "/metrics", "--as", "e2e-nobody").fails();
    assertTrue(metrics.err().contains("forbidden: User \"e2e-nobody\" cannot get path \"/metrics\""),
        metrics.err());
    assertTrue(kubectl.run("get", "--raw", "/metrics", "--as", "e2e-monitor", "--as-group", "system:monitoring")
        .ok().out().contains("apiserver_request_total"));
    String readyz = kubectl.run("get", "--raw", "/readyz?verbose").ok().out();
    assertTrue(readyz.contains("[+]poststarthook/rbac/bootstrap-roles ok") && readyz.contains("[+]informer-sync ok")
        && readyz.contains("readyz check passed"), readyz);
  }

  /** Upstream's health endpoints: named checks, one check by its path (system:monitoring), ?exclude. */
  @Test
  void healthEndpointsListNamedChecksAndServeEachOnItsPath() {
    String livez = kubectl.run("get", "--raw", "/livez?verbose").ok().out();
    assertTrue(livez.startsWith("[+]ping ok\n[+]log ok\n[+]etcd ok\n") && livez.contains("livez check passed")
        && !livez.contains("[+]informer-sync "), livez);
    String healthz = kubectl.run("get", "--raw", "/healthz?verbose").ok().out();
    assertTrue(healthz.contains("[+]etcd ok") && healthz.contains("healthz check passed"), healthz);
    String readyz = kubectl.run("get", "--raw", "/readyz?verbose").ok().out();
    assertTrue(readyz.contains("[+]etcd-readiness ok") && readyz.contains("[+]shutdown ok"), readyz);
    assertEquals("ok", kubectl.run("get", "--raw", "/livez/ping").ok().out().trim());
    assertEquals("ok", kubectl.run("get", "--raw", "/readyz/etcd").ok().out().trim());
    assertEquals("ok", kubectl.run("get", "--raw", "/readyz/poststarthook/rbac/bootstrap-roles").ok().out().trim());
    String excluded = kubectl.run("get", "--raw", "/readyz?verbose&exclude=etcd&exclude=nope").ok().out();
    assertTrue(excluded.contains("[+]etcd excluded: ok") && excluded.contains(
        "warn: some health checks cannot be excluded: no matches for \"nope\""), excluded);
    assertTrue(kubectl.run("get", "--raw", "/livez/nope").fails().err().contains("NotFound"));
    // The public role covers the endpoints themselves; one check's path is system:monitoring's, as upstream.
    kubectl.run("get", "--raw", "/readyz", "--as", "e2e-nobody").ok();
    assertTrue(kubectl.run("get", "--raw", "/readyz/etcd", "--as", "e2e-nobody").fails().err()
        .contains("forbidden"));
  }

  /** can-i's answer; a "no" where "yes" is due is asked again briefly (a new binding reaches the cache). */
  private String answer(String expected, String... args) {
    String answer = "";
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    do {
      // kubectl prints "no - <reason>" when the authorizer gives one (the Node authorizer does).
      answer = kubectl.run(args).out().strip().split(" ")[0];
      if (answer.equals(expected)) {
        return answer;
      }
      LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
    } while (System.nanoTime() < deadline);
    return answer;
  }

  @Conformance("cli.auth-can-i")
  @Test
  void canIListShowsTheRulesAndForbiddenCarriesUpstreamsMessage(String ns) {
    String list = kubectl.run("auth", "can-i", "--list", "-n", ns, "--as", "bob").ok().out();
    assertTrue(list.contains("selfsubjectaccessreviews.authorization.k8s.io") && list.contains("[/healthz]"), list);
    Kubectl.Result r = kubectl.run("get", "configmaps", "-n", ns, "--as", "bob").fails();
    assertEquals("Error from server (Forbidden): configmaps is forbidden: User \"bob\" cannot list resource "
        + "\"configmaps\" in API group \"\" in the namespace \"" + ns + "\"", r.err().strip());
    kubectl.run("create", "rolebinding", "bob-admin", "--clusterrole=admin", "--user=bob", "-n", ns).ok();
    Kubectl.Result escalate = kubectl.run("create", "rolebinding", "to-cluster-admin", "--clusterrole=cluster-admin",
        "--user=mallory", "-n", ns, "--as", "bob").fails();
    assertTrue(escalate.err().contains("rolebindings.rbac.authorization.k8s.io \"to-cluster-admin\" is forbidden: "
        + "user \"bob\" (groups=[\"system:authenticated\"]) is attempting to grant RBAC permissions not currently "
        + "held"), escalate.err());
  }

  @Conformance("auth.node-authorizer")
  @Test
  void aKubeletTouchesOnlyItsOwnNodeAndPods(String ns) throws IOException {
    Path kubelet = Identities.kubeconfig("kubelet");
    String me = Identities.kubectlWith(kubelet, "auth", "whoami", "-o", "jsonpath={.status.userInfo.username}")
        .ok().out().strip();
    assertTrue(me.startsWith("system:node:"), me);
    String other = "other-" + ns;
    kubectl.runWithInput("{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"" + other + "\"}}",
        "create", "-f", "-").ok();
    try {
      kubectl.runWithInput("""
          {"apiVersion":"v1","kind":"Pod","metadata":{"name":"on-other","namespace":"%s"},
           "spec":{"nodeName":"%s","containers":[{"name":"c","image":"busybox"}]}}""".formatted(ns, other),
          "create", "-f", "-").ok();
      Kubectl.Result label = Identities.kubectlWith(kubelet, "label", "node", other, "hacked=true").fails();
      assertTrue(label.err().contains("Error from server (Forbidden)") && label.err().contains("is not allowed to "
          + "modify node \"" + other + "\""), label.err());
      // What a kubelet does to report status (kubectl's patch --subresource=status would first GET pods/status,
      // which no kubelet may): PUT the status of the pod it read.
      Config kubeletConfig = Config.fromKubeconfig(Files.readString(kubelet));
      kubeletConfig.setClientKeyAlgo("EC"); // the launcher makes the components' client keys ECDSA
      try (KubernetesClient asKubelet = new KubernetesClientBuilder().withConfig(kubeletConfig).build()) {
        Pod pod = asKubelet.pods().inNamespace(ns).withName("on-other").get();
        pod.setStatus(new PodStatusBuilder().withPhase("Failed").build());
        KubernetesClientException e = assertThrows(KubernetesClientException.class,
            () -> asKubelet.pods().inNamespace(ns).resource(pod).updateStatus());
        assertEquals(403, e.getCode());
        assertTrue(e.getMessage().contains("can only update pod status for pods with spec.nodeName set to itself"),
            e.getMessage());
      }
      Kubectl.Result delete = Identities.kubectlWith(kubelet, "delete", "pod", "on-other", "-n", ns,
          "--grace-period=0", "--force").fails();
      assertTrue(delete.err().contains("Forbidden"), delete.err());
      Kubectl.Result secrets = Identities.kubectlWith(kubelet, "get", "secrets", "-n", ns).fails();
      assertTrue(secrets.err().contains("Forbidden"), secrets.err());
    } finally {
      kubectl.run("delete", "pod", "on-other", "-n", ns, "--grace-period=0", "--force");
      kubectl.run("delete", "node", other);
    }
  }

  @Conformance("auth.component-identities")
  @Test
  void everyComponentRunsAsItsOwnLeastPrivilegeIdentity() throws IOException {
    Map<String, String> users = Map.of("scheduler", "system:kube-scheduler", "controllers",
        "system:kube-controller-manager", "proxy", "system:kube-proxy");
    for (var e : users.entrySet()) {
      Path config = Identities.kubeconfig(e.getKey());
      assertEquals(e.getValue(), Identities.kubectlWith(config, "auth", "whoami", "-o",
          "jsonpath={.status.userInfo.username}").ok().out().strip(), e.getKey());
      assertEquals("no", firstWord(Identities.kubectlWith(config, "auth", "can-i", "create",
          "clusterrolebindings")), e.getKey() + " is no cluster admin");
    }
    Path kubelet = Identities.kubeconfig("kubelet");
    String groups = Identities.kubectlWith(kubelet, "auth", "whoami", "-o", "jsonpath={.status.userInfo.groups}")
        .ok().out();
    assertTrue(groups.contains("system:nodes") && !groups.contains("system:masters"), groups);
    assertEquals("no", firstWord(Identities.kubectlWith(kubelet, "auth", "can-i", "list", "secrets", "-A")));
    assertEquals("yes", firstWord(Identities.kubectlWith(Identities.kubeconfig("scheduler"), "auth", "can-i",
        "create", "pods", "--subresource=binding", "-n", "default")));
    assertEquals("no", firstWord(Identities.kubectlWith(Identities.kubeconfig("scheduler"), "auth", "can-i", "get",
        "secrets", "-n", "default")));
    assertEquals("no", firstWord(Identities.kubectlWith(Identities.kubeconfig("proxy"), "auth", "can-i", "create",
        "pods", "-n", "default")));
    // The running processes of this state folder use exactly their own kubeconfig.
    for (var running : runningComponents().entrySet()) {
      assertEquals(Identities.kubeconfig(running.getKey()).toString(), running.getValue(),
          running.getKey() + " runs with its own kubeconfig");
    }
  }

  private static String firstWord(Kubectl.Result r) {
    return r.out().strip().split(" ")[0];
  }

  /** component name to the kubeconfig its process was started with, for this cluster's running processes. */
  private static Map<String, String> runningComponents() throws IOException {
    Map<String, String> out = new java.util.TreeMap<>();
    String state = "-Dquarkube.state-dir=" + Identities.stateDir();
    try (var procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(x -> x.getFileName().toString().matches("\\d+")).toList()) {
        List<String> args;
        try {
          args = List.of(new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).split("\0"));
        } catch (IOException e) {
          continue;
        }
        if (!args.contains(state)) {
          continue;
        }
        String component = args.stream().filter(a -> a.startsWith("-Dquarkube.component=")).findFirst()
            .map(a -> a.substring(a.indexOf('=') + 1)).orElse("");
        if (component.isEmpty()) {
          continue; // not a component (e.g. this test's own Maven run, which names the state folder too)
        }
        args.stream().filter(a -> a.startsWith("-Dquarkube.kubeconfig=")).findFirst()
            .ifPresent(a -> out.put(component, a.substring(a.indexOf('=') + 1)));
      }
    }
    return out;
  }
}
