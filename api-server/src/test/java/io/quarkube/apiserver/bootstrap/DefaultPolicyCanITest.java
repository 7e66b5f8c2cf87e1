package io.quarkube.apiserver.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.quarkube.apiserver.auth.UserInfo;
import io.quarkube.apiserver.authz.Attributes;
import io.quarkube.apiserver.authz.ChainAuthorizer;
import io.quarkube.apiserver.authz.ClusterRoleAggregator;
import io.quarkube.apiserver.authz.NodeAuthorizer;
import io.quarkube.apiserver.authz.NodeGraph;
import io.quarkube.apiserver.authz.RbacAuthorizer;
import io.quarkube.apiserver.authz.RbacCaches;
import io.quarkube.apiserver.authz.RbacRules;
import io.quarkube.apiserver.registry.DeleteOptions;
import io.quarkube.apiserver.registry.EtcdRegistryFixture;
import io.quarkube.apiserver.registry.GenericStore;
import io.quarkube.apiserver.security.Await;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The default roles and bindings against a real etcd, decided by the Node and RBAC authorizers: a table of
 * {@code kubectl auth can-i} questions with upstream's answers, and aggregation of a new role into view.
 */
class DefaultPolicyCanITest extends EtcdRegistryFixture {
  static final String NS = "canit-" + UUID.randomUUID().toString().substring(0, 6);
  private static RbacCaches caches;
  private static NodeGraph graph;
  private static ClusterRoleAggregator aggregator;
  private static ChainAuthorizer authorizer;

  @BeforeAll
  static void start() {
    for (String ns : List.of("kube-system", "kube-public", "kube-node-lease")) {
      if (registry.namespaces().find(null, ns).isEmpty()) {
        registry.namespaces().create(null, new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata()
            .build(), false);
      }
    }
    new RbacBootstrap(registry).ensure();
    registry.namespaces().create(null, new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build(),
        false);
    GenericStore<HasMetadata> rbs = registry.store("rbac.authorization.k8s.io", "v1", "rolebindings").orElseThrow();
    for (String[] b : new String[][] {{"viewer", "view"}, {"editor", "edit"}, {"owner", "admin"}}) {
      rbs.create(NS, new RoleBindingBuilder().withNewMetadata().withName(b[0]).endMetadata()
          .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName(b[1])
          .endRoleRef().addNewSubject().withKind("User").withApiGroup("rbac.authorization.k8s.io").withName(b[0])
          .endSubject().build(), false);
    }
    GenericStore<HasMetadata> pods = registry.store("", "v1", "pods").orElseThrow();
    pods.create(NS, new PodBuilder().withNewMetadata().withName("on-n1").endMetadata().withNewSpec()
        .withNodeName("n1").withServiceAccountName("runner").addNewContainer().withName("c").withImage("busybox")
        .addNewEnv().withName("P").withNewValueFrom().withNewSecretKeyRef("p", "db-password", false).endValueFrom()
        .endEnv().endContainer().addNewVolume().withName("cfg").withNewConfigMap().withName("app-config")
        .endConfigMap().endVolume().endSpec().build(), false);
    GenericStore<HasMetadata> vas = registry.store("storage.k8s.io", "v1", "volumeattachments").orElseThrow();
    for (String node : List.of("n1", "n2")) {
      if (vas.find(null, "va-" + node).isEmpty()) {
        vas.create(null, new io.fabric8.kubernetes.api.model.storage.VolumeAttachmentBuilder().withNewMetadata()
            .withName("va-" + node).endMetadata().withNewSpec().withAttacher("csi.example.com").withNodeName(node)
            .withNewSource().withPersistentVolumeName("pv-" + node).endSource().endSpec().build(), false);
      }
    }
    caches = new RbacCaches(registry);
    aggregator = new ClusterRoleAggregator(caches.clusterRoles(),
        registry.store("rbac.authorization.k8s.io", "v1", "clusterroles").orElseThrow()).start();
    caches.start();
    graph = new NodeGraph(registry).start();
    assertTrue(caches.awaitSynced(Duration.ofSeconds(30)) && graph.awaitSynced(Duration.ofSeconds(30)));
    authorizer = new ChainAuthorizer(List.of(new NodeAuthorizer(graph), new RbacAuthorizer(new RbacRules(caches))),
        () -> true);
  }

  @AfterAll
  static void stop() {
    caches.stop();
    graph.stop();
    aggregator.stop();
  }

  private static UserInfo user(String name, String... groups) {
    List<String> g = new java.util.ArrayList<>(List.of(groups));
    g.add(UserInfo.AUTHENTICATED);
    return new UserInfo(name, "", g);
  }

  static final UserInfo ADMIN = user("admin", "system:masters");
  static final UserInfo BOB = user("bob");
  static final UserInfo VIEWER = user("viewer");
  static final UserInfo EDITOR = user("editor");
  static final UserInfo OWNER = user("owner");
  static final UserInfo SCHEDULER = user("system:kube-scheduler");
  static final UserInfo CONTROLLERS = user("system:kube-controller-manager");
  static final UserInfo PROXY = user("system:kube-proxy");
  static final UserInfo NODE1 = user("system:node:n1", "system:nodes");
  static final UserInfo SA = user("system:serviceaccount:" + NS + ":default", "system:serviceaccounts",
      "system:serviceaccounts:" + NS);
  static final UserInfo BOOTSTRAP = user("system:bootstrap:abcdef", "system:bootstrappers");
  static final UserInfo ANONYMOUS = new UserInfo("system:anonymous", "", List.of("system:unauthenticated"));

  static Arguments can(UserInfo u, String verb, String resource, String name, String ns, boolean expected) {
    return Arguments.of(u, verb, resource, name, ns, expected);
  }

  /** {@code kubectl auth can-i <verb> <resource> [name] -n ns --as user}, with upstream's answers. */
  static Stream<Arguments> table() {
    return Stream.of(
        can(ADMIN, "delete", "nodes", "", "", true),
        can(ADMIN, "get", "/metrics", "", "", true),
        can(BOB, "create", "selfsubjectaccessreviews.authorization.k8s.io", "", "", true),
        can(BOB, "create", "selfsubjectreviews.authentication.k8s.io", "", "", true),
        can(BOB, "get", "pods", "", NS, false),
        can(BOB, "list", "namespaces", "", "", false),
        can(BOB, "get", "/healthz", "", "", true),
        can(BOB, "get", "/apis", "", "", true),
        can(BOB, "get", "/metrics", "", "", false),
        can(BOB, "impersonate", "users", "admin", "", false),
        can(VIEWER, "list", "pods", "", NS, true),
        can(VIEWER, "get", "pods/log", "", NS, true),
        can(VIEWER, "get", "secrets", "", NS, false),
        can(VIEWER, "create", "pods", "", NS, false),
        can(VIEWER, "watch", "deployments.apps", "", NS, true),
        can(VIEWER, "update", "deployments.apps/scale", "", NS, false),
        can(VIEWER, "list", "pods", "", "default", false),
        can(VIEWER, "get", "namespaces", NS, NS, true),
        can(VIEWER, "list", "roles.rbac.authorization.k8s.io", "", NS, false),
        can(EDITOR, "create", "deployments.apps", "", NS, true),
        can(EDITOR, "delete", "pods", "", NS, true),
        can(EDITOR, "get", "secrets", "", NS, true),
        can(EDITOR, "create", "pods/exec", "", NS, true),
        can(EDITOR, "create", "serviceaccounts/token", "", NS, true),
        can(EDITOR, "create", "roles.rbac.authorization.k8s.io", "", NS, false),
        can(EDITOR, "update", "resourcequotas", "", NS, false),
        can(EDITOR, "create", "leases.coordination.k8s.io", "", NS, true),
        can(OWNER, "create", "rolebindings.rbac.authorization.k8s.io", "", NS, true),
        can(OWNER, "create", "localsubjectaccessreviews.authorization.k8s.io", "", NS, true),
        can(OWNER, "delete", "namespaces", NS, NS, false),
        can(OWNER, "update", "resourcequotas", "", NS, false),
        can(SCHEDULER, "create", "pods/binding", "x", NS, true),
        can(SCHEDULER, "create", "pods", "", NS, false),
        can(SCHEDULER, "update", "leases.coordination.k8s.io", "kube-scheduler", "kube-system", true),
        can(SCHEDULER, "update", "leases.coordination.k8s.io", "kube-controller-manager", "kube-system", false),
        can(SCHEDULER, "patch", "pods/status", "", NS, true),
        can(SCHEDULER, "update", "nodes", "", "", false),
        can(CONTROLLERS, "list", "secrets", "", "", true),
        can(CONTROLLERS, "create", "replicasets.apps", "", NS, true),
        can(CONTROLLERS, "delete", "namespaces", "", "", true),
        can(CONTROLLERS, "update", "deployments.apps/status", "", NS, true),
        can(CONTROLLERS, "create", "serviceaccounts", "", NS, true),
        can(CONTROLLERS, "update", "nodes", "", "", true),
        can(CONTROLLERS, "create", "storageclasses.storage.k8s.io", "", "", true),
        can(CONTROLLERS, "update", "resourcequotas/status", "", NS, true),
        can(CONTROLLERS, "update", "services/status", "", NS, true),
        can(PROXY, "list", "endpointslices.discovery.k8s.io", "", "", true),
        can(PROXY, "watch", "services", "", "", true),
        can(PROXY, "get", "secrets", "x", NS, false),
        can(PROXY, "create", "pods", "", NS, false),
        can(NODE1, "get", "secrets", "db-password", NS, true),
        can(NODE1, "get", "secrets", "other", NS, false),
        can(NODE1, "list", "secrets", "", NS, false),
        can(NODE1, "get", "configmaps", "app-config", NS, true),
        can(NODE1, "create", "serviceaccounts/token", "runner", NS, true),
        can(NODE1, "create", "serviceaccounts/token", "default", NS, false),
        can(NODE1, "update", "leases.coordination.k8s.io", "n1", "kube-node-lease", true),
        can(NODE1, "update", "leases.coordination.k8s.io", "n2", "kube-node-lease", false),
        can(NODE1, "update", "nodes/status", "n1", "", true),
        can(NODE1, "list", "pods", "", "", true),
        can(NODE1, "delete", "nodes", "n1", "", false),
        can(NODE1, "get", "csinodes.storage.k8s.io", "n1", "", true),
        can(NODE1, "patch", "csinodes.storage.k8s.io", "n1", "", true),
        can(NODE1, "create", "csinodes.storage.k8s.io", "", "", true),
        can(NODE1, "update", "csinodes.storage.k8s.io", "n2", "", false),
        can(NODE1, "list", "csinodes.storage.k8s.io", "", "", false),
        can(NODE1, "get", "volumeattachments.storage.k8s.io", "va-n1", "", true),
        can(NODE1, "get", "volumeattachments.storage.k8s.io", "va-n2", "", false),
        can(NODE1, "list", "volumeattachments.storage.k8s.io", "", "", false),
        can(NODE1, "watch", "csidrivers.storage.k8s.io", "", "", true),
        can(SCHEDULER, "watch", "csinodes.storage.k8s.io", "", "", true),
        can(SCHEDULER, "list", "csistoragecapacities.storage.k8s.io", "", "", true),
        can(SCHEDULER, "list", "csidrivers.storage.k8s.io", "", "", true),
        can(SCHEDULER, "update", "csinodes.storage.k8s.io", "n1", "", false),
        can(VIEWER, "list", "csistoragecapacities.storage.k8s.io", "", NS, false),
        can(CONTROLLERS, "create", "volumeattachments.storage.k8s.io", "", "", true),
        can(SA, "get", "/openid/v1/jwks", "", "", true),
        can(SA, "get", "pods", "", NS, false),
        can(BOOTSTRAP, "create", "certificatesigningrequests.certificates.k8s.io", "", "", true),
        can(BOOTSTRAP, "get", "pods", "", NS, false),
        can(ANONYMOUS, "get", "/version", "", "", true),
        can(ANONYMOUS, "get", "/api", "", "", false),
        can(ANONYMOUS, "list", "pods", "", NS, false));
  }

  @ParameterizedTest(name = "{0} can {1} {2} {3} in \"{4}\": {5}")
  @MethodSource("table")
  void canI(UserInfo user, String verb, String resource, String name, String ns, boolean expected) {
    assertEquals(expected, authorizer.decide(attributes(user, verb, resource, name, ns)).allowed());
  }

  static Attributes attributes(UserInfo user, String verb, String resource, String name, String ns) {
    if (resource.startsWith("/")) {
      return Attributes.nonResource(user, verb, resource);
    }
    String sub = "";
    if (resource.contains("/")) {
      sub = resource.substring(resource.indexOf('/') + 1);
      resource = resource.substring(0, resource.indexOf('/'));
    }
    String group = "";
    if (resource.contains(".")) {
      group = resource.substring(resource.indexOf('.') + 1);
      resource = resource.substring(0, resource.indexOf('.'));
    }
    return Attributes.resource(user, verb, ns, group, resource, sub, name);
  }

  @Test
  void aPendingPodIsNotHeldByTheNodeGraphUntilItIsBound() {
    GenericStore<HasMetadata> pods = registry.store("", "v1", "pods").orElseThrow();
    UserInfo node2 = user("system:node:n2", "system:nodes");
    int before = graph.podCount();
    pods.create(NS, new PodBuilder().withNewMetadata().withName("pending").endMetadata().withNewSpec()
        .addNewContainer().withName("c").withImage("busybox").endContainer().addNewVolume().withName("s")
        .withNewSecret().withSecretName("pending-secret").endSecret().endVolume().endSpec().build(), false);
    // Created after the pending pod: once the graph holds it, the graph has seen the pending pod's create too.
    pods.create(NS, new PodBuilder().withNewMetadata().withName("marker").endMetadata().withNewSpec()
        .withNodeName("n3").addNewContainer().withName("c").withImage("busybox").endContainer().endSpec().build(),
        false);
    Await.until("the graph holds the marker pod", () -> !graph.podsOn("n3", NS).isEmpty());
    assertEquals(before + 1, graph.podCount());
    assertFalse(authorizer.decide(attributes(node2, "get", "secrets", "pending-secret", NS)).allowed());

    pods.guaranteedUpdate(NS, "pending", null, "binding", false, current -> {
      ((Pod) current).getSpec().setNodeName("n2");
      return current;
    });
    Await.until("n2 may read the secret of the pod bound to it", () -> authorizer.decide(
        attributes(node2, "get", "secrets", "pending-secret", NS)).allowed());
    assertEquals(before + 2, graph.podCount());
    DeleteOptions now = new DeleteOptions(0L, null, null, null, false);
    pods.delete(NS, "pending", now);
    pods.delete(NS, "marker", now);
    Await.until("the graph lets the deleted pods go", () -> graph.podCount() == before);
  }

  @Test
  void aDefaultRoleThatLostARuleGetsItBackAtTheNextStart() {
    GenericStore<HasMetadata> roles = registry.store("rbac.authorization.k8s.io", "v1", "clusterroles").orElseThrow();
    roles.guaranteedUpdate(null, "quarkube:kube-controller-manager", null, null, false, current -> {
      ((ClusterRole) current).setRules(List.of(((ClusterRole) current).getRules().get(0)));
      return current;
    });
    new RbacBootstrap(registry).ensure(); // an upgraded API server starting on an older cluster's etcd
    ClusterRole role = (ClusterRole) roles.find(null, "quarkube:kube-controller-manager").orElseThrow();
    assertTrue(role.getRules().stream().anyMatch(r -> r.getResources().contains("storageclasses")),
        role.getRules().toString());
  }

  @Test
  void aNewRoleLabelledForViewIsAggregatedIntoViewEditAndAdmin() {
    String name = "widgets-view-" + UUID.randomUUID().toString().substring(0, 6);
    String group = name + ".example.com";
    ClusterRole extra = new ClusterRoleBuilder().withNewMetadata().withName(name)
        .addToLabels("rbac.authorization.k8s.io/aggregate-to-view", "true").endMetadata()
        .addNewRule().withApiGroups(group).withResources("widgets").withVerbs("get", "list").endRule().build();
    registry.store("rbac.authorization.k8s.io", "v1", "clusterroles").orElseThrow().create(null, extra, false);
    for (UserInfo u : List.of(VIEWER, EDITOR, OWNER)) {
      Await.until(u.name() + " may list widgets through aggregation", () -> authorizer.decide(
          Attributes.resource(u, "list", NS, group, "widgets", "", "")).allowed());
    }
  }
}
