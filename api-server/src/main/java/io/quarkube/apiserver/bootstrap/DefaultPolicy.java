package io.quarkube.apiserver.bootstrap;

import io.fabric8.kubernetes.api.model.rbac.AggregationRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import io.quarkube.apiserver.authz.NodeRules;
import io.quarkube.apiserver.authz.Rules;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Upstream's bootstrap RBAC policy ({@code plugin/pkg/auth/authorizer/rbac/bootstrappolicy}): the default cluster
 * roles, the aggregated admin/edit/view roles, the component roles and their bindings. Quarkube runs its controllers
 * with the controller manager's own credentials (upstream's {@code --use-service-account-credentials=false}), so
 * each {@code system:controller:*} role is bound to the {@code system:kube-controller-manager} user as well as to
 * the controller's service account; the proxy also serves cluster DNS, so it is bound to {@code system:kube-dns}.
 */
public final class DefaultPolicy {
  static final String AUTOUPDATE = "rbac.authorization.kubernetes.io/autoupdate";
  static final String BOOTSTRAPPING = "kubernetes.io/bootstrapping";
  static final String AGG = "rbac.authorization.k8s.io/aggregate-to-";
  static final String CONTROLLER_MANAGER = "system:kube-controller-manager";

  private static final String[] READ = {"get", "list", "watch"};
  private static final String[] WRITE = {"create", "delete", "deletecollection", "patch", "update"};
  private static final String[] READ_WRITE = {"get", "list", "watch", "create", "update", "patch", "delete",
      "deletecollection"};
  private static final String CORE = "";
  private static final String APPS = "apps";
  private static final String BATCH = "batch";
  private static final String EXTENSIONS = "extensions";
  private static final String POLICY = "policy";
  private static final String NETWORKING = "networking.k8s.io";
  private static final String AUTOSCALING = "autoscaling";
  private static final String STORAGE = "storage.k8s.io";
  private static final String RBAC = "rbac.authorization.k8s.io";
  private static final String COORDINATION = "coordination.k8s.io";
  private static final String DISCOVERY = "discovery.k8s.io";
  private static final String CERTIFICATES = "certificates.k8s.io";
  private static final String AUTHN = "authentication.k8s.io";
  private static final String AUTHZ = "authorization.k8s.io";

  private DefaultPolicy() {}

  // ---------------------------------------------------------------- cluster roles

  public static List<ClusterRole> clusterRoles() {
    List<ClusterRole> out = new ArrayList<>();
    out.add(role("cluster-admin", Map.of(),
        r("*").groups("*").resources("*").rule(), r("*").urls("*").rule()));
    out.add(role("system:discovery", Map.of(), r("get").urls("/api", "/api/*", "/apis", "/apis/*", "/healthz",
        "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/").rule()));
    out.add(role("system:monitoring", Map.of(), r("get").urls("/healthz", "/healthz/*", "/livez", "/livez/*",
        "/metrics", "/metrics/slis", "/readyz", "/readyz/*").rule()));
    out.add(role("system:basic-user", Map.of(),
        r("create").groups(AUTHZ).resources("selfsubjectaccessreviews", "selfsubjectrulesreviews").rule(),
        r("create").groups(AUTHN).resources("selfsubjectreviews").rule()));
    out.add(role("system:public-info-viewer", Map.of(),
        r("get").urls("/healthz", "/livez", "/readyz", "/version", "/version/").rule()));
    out.add(aggregated("admin", Map.of(), "admin"));
    out.add(aggregated("edit", Map.of(AGG + "admin", "true"), "edit"));
    out.add(aggregated("view", Map.of(AGG + "edit", "true"), "view"));
    out.add(role("system:aggregate-to-admin", Map.of(AGG + "admin", "true"),
        r("create").groups(AUTHZ).resources("localsubjectaccessreviews").rule(),
        r(READ_WRITE).groups(RBAC).resources("roles", "rolebindings").rule()));
    out.add(role("system:aggregate-to-edit", Map.of(AGG + "edit", "true"),
        r(READ).groups(CORE).resources("pods/attach", "pods/proxy", "pods/exec", "pods/portforward", "secrets",
            "services/proxy").rule(),
        r("impersonate").groups(CORE).resources("serviceaccounts").rule(),
        r(WRITE).groups(CORE).resources("pods", "pods/attach", "pods/proxy", "pods/exec", "pods/portforward").rule(),
        r("create").groups(CORE).resources("pods/eviction").rule(),
        r(WRITE).groups(CORE).resources("replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts",
            "services", "services/proxy", "persistentvolumeclaims", "configmaps", "secrets", "events").rule(),
        r("create").groups(CORE).resources("serviceaccounts/token").rule(),
        r(WRITE).groups(APPS).resources("statefulsets", "statefulsets/scale", "daemonsets", "deployments",
            "deployments/scale", "deployments/rollback", "replicasets", "replicasets/scale").rule(),
        r(WRITE).groups(AUTOSCALING).resources("horizontalpodautoscalers").rule(),
        r(WRITE).groups(BATCH).resources("jobs", "cronjobs").rule(),
        r(WRITE).groups(EXTENSIONS).resources("daemonsets", "deployments", "deployments/scale",
            "deployments/rollback", "ingresses", "replicasets", "replicasets/scale", "replicationcontrollers/scale",
            "networkpolicies").rule(),
        r(WRITE).groups(POLICY).resources("poddisruptionbudgets").rule(),
        r(WRITE).groups(NETWORKING).resources("networkpolicies", "ingresses").rule(),
        r(READ_WRITE).groups(COORDINATION).resources("leases").rule()));
    out.add(role("system:aggregate-to-view", Map.of(AGG + "view", "true"),
        r(READ).groups(CORE).resources("pods", "replicationcontrollers", "replicationcontrollers/scale",
            "serviceaccounts", "services", "services/status", "endpoints", "persistentvolumeclaims",
            "persistentvolumeclaims/status", "configmaps").rule(),
        r(READ).groups(CORE).resources("limitranges", "resourcequotas", "bindings", "events", "pods/status",
            "resourcequotas/status", "namespaces/status", "replicationcontrollers/status", "pods/log").rule(),
        r(READ).groups(CORE).resources("namespaces").rule(),
        r(READ).groups(DISCOVERY).resources("endpointslices").rule(),
        r(READ).groups(APPS).resources("controllerrevisions", "statefulsets", "statefulsets/status",
            "statefulsets/scale", "daemonsets", "daemonsets/status", "deployments", "deployments/status",
            "deployments/scale", "replicasets", "replicasets/status", "replicasets/scale").rule(),
        r(READ).groups(AUTOSCALING).resources("horizontalpodautoscalers", "horizontalpodautoscalers/status").rule(),
        r(READ).groups(BATCH).resources("jobs", "cronjobs", "cronjobs/status", "jobs/status").rule(),
        r(READ).groups(EXTENSIONS).resources("daemonsets", "daemonsets/status", "deployments", "deployments/scale",
            "deployments/status", "ingresses", "ingresses/status", "replicasets", "replicasets/scale",
            "replicasets/status", "replicationcontrollers/scale", "networkpolicies").rule(),
        r(READ).groups(POLICY).resources("poddisruptionbudgets", "poddisruptionbudgets/status").rule(),
        r(READ).groups(NETWORKING).resources("networkpolicies", "ingresses", "ingresses/status").rule()));
    out.add(role("system:heapster", Map.of(), r(READ).groups(CORE).resources("events", "pods", "nodes",
        "namespaces").rule(), r(READ).groups(EXTENSIONS, APPS).resources("deployments").rule()));
    out.add(role("system:node", Map.of(), NodeRules.rules().toArray(PolicyRule[]::new)));
    out.add(role("system:node-problem-detector", Map.of(),
        r("get").groups(CORE).resources("nodes").rule(), r("patch").groups(CORE).resources("nodes/status").rule(),
        events()));
    out.add(role("system:kubelet-api-admin", Map.of(),
        r("get", "list", "watch", "proxy").groups(CORE).resources("nodes").rule(),
        r("*").groups(CORE).resources("nodes/proxy", "nodes/metrics", "nodes/stats", "nodes/log").rule()));
    out.add(role("system:node-bootstrapper", Map.of(),
        r("create", "get", "list", "watch").groups(CERTIFICATES).resources("certificatesigningrequests").rule()));
    out.add(role("system:auth-delegator", Map.of(),
        r("create").groups(AUTHN).resources("tokenreviews").rule(),
        r("create").groups(AUTHZ).resources("subjectaccessreviews").rule()));
    out.add(role("system:kube-aggregator", Map.of(), r(READ).groups(CORE).resources("endpoints", "services").rule()));
    out.add(role(CONTROLLER_MANAGER, Map.of(),
        events(),
        r("create").groups(COORDINATION).resources("leases").rule(),
        r("get", "update").groups(COORDINATION).resources("leases").names("kube-controller-manager").rule(),
        r("create").groups(CORE).resources("secrets", "serviceaccounts").rule(),
        r("delete").groups(CORE).resources("secrets").rule(),
        r("get").groups(CORE).resources("configmaps", "namespaces", "secrets", "serviceaccounts").rule(),
        r("update").groups(CORE).resources("secrets", "serviceaccounts").rule(),
        r("create").groups(AUTHN).resources("tokenreviews").rule(),
        r("create").groups(AUTHZ).resources("subjectaccessreviews").rule(),
        r("list", "watch").groups("*").resources("*").rule(),
        r("create").groups(CORE).resources("serviceaccounts/token").rule()));
    out.add(role("system:kube-dns", Map.of(), r("list", "watch").groups(CORE).resources("endpoints", "services")
        .rule(), r("list", "watch").groups(DISCOVERY).resources("endpointslices").rule()));
    out.add(role("system:persistent-volume-provisioner", Map.of(),
        r("get", "list", "watch", "create", "delete").groups(CORE).resources("persistentvolumes").rule(),
        r("get", "list", "watch", "update").groups(CORE).resources("persistentvolumeclaims").rule(),
        r(READ).groups(STORAGE).resources("storageclasses").rule(),
        r("watch").groups(CORE).resources("events").rule(), events()));
    out.add(role("system:certificates.k8s.io:certificatesigningrequests:nodeclient", Map.of(),
        r("create").groups(CERTIFICATES).resources("certificatesigningrequests/nodeclient").rule()));
    out.add(role("system:certificates.k8s.io:certificatesigningrequests:selfnodeclient", Map.of(),
        r("create").groups(CERTIFICATES).resources("certificatesigningrequests/selfnodeclient").rule()));
    out.add(role("system:volume-scheduler", Map.of(),
        r("get", "list", "watch", "patch", "update").groups(CORE).resources("persistentvolumes").rule(),
        r(READ).groups(STORAGE).resources("storageclasses").rule(),
        r("get", "list", "watch", "patch", "update").groups(CORE).resources("persistentvolumeclaims").rule()));
    for (String signer : List.of("legacy-unknown", "kubelet-serving", "kube-apiserver-client",
        "kube-apiserver-client-kubelet")) {
      out.add(role("system:certificates.k8s.io:" + signer + "-approver", Map.of(),
          r("approve").groups(CERTIFICATES).resources("signers").names("kubernetes.io/" + signer).rule()));
    }
    out.add(role("system:service-account-issuer-discovery", Map.of(),
        r("get").urls("/.well-known/openid-configuration", "/.well-known/openid-configuration/", "/openid/v1/jwks",
            "/openid/v1/jwks/").rule()));
    out.add(role("system:node-proxier", Map.of(),
        r("list", "watch").groups(CORE).resources("services", "endpoints").rule(),
        r(READ).groups(CORE).resources("nodes").rule(),
        events(),
        r("list", "watch").groups(DISCOVERY).resources("endpointslices").rule()));
    out.add(role("system:kube-scheduler", Map.of(),
        events(),
        r("create").groups(COORDINATION).resources("leases").rule(),
        r("get", "update").groups(COORDINATION).resources("leases").names("kube-scheduler").rule(),
        r(READ).groups(CORE).resources("nodes").rule(),
        r("get", "list", "watch", "delete").groups(CORE).resources("pods").rule(),
        r("create").groups(CORE).resources("pods/binding", "bindings").rule(),
        r("patch", "update").groups(CORE).resources("pods/status").rule(),
        r(READ).groups(CORE).resources("services", "replicationcontrollers").rule(),
        r(READ).groups(APPS, EXTENSIONS).resources("replicasets").rule(),
        r(READ).groups(APPS).resources("statefulsets").rule(),
        r(READ).groups(POLICY).resources("poddisruptionbudgets").rule(),
        r(READ).groups(CORE).resources("persistentvolumeclaims", "persistentvolumes").rule(),
        r("create").groups(AUTHN).resources("tokenreviews").rule(),
        r("create").groups(AUTHZ).resources("subjectaccessreviews").rule(),
        r(READ).groups(STORAGE).resources("csinodes").rule(),
        r(READ).groups(CORE).resources("namespaces").rule(),
        r(READ).groups(STORAGE).resources("csidrivers").rule(),
        r(READ).groups(STORAGE).resources("csistoragecapacities").rule()));
    // What Quarkube's own components need beyond upstream's roles: Fabric8's LeaderElector PATCHes its Lease
    // (client-go PUTs it), and the scheduler watches PriorityClasses itself.
    out.add(role("quarkube:kube-scheduler", Map.of(),
        r("patch").groups(COORDINATION).resources("leases").names("kube-scheduler").rule(),
        r(READ).groups("scheduling.k8s.io").resources("priorityclasses").rule()));
    // ... and the controller manager creates the default StorageClass of its local-path provisioner (k3s ships it as
    // a manifest instead).
    out.add(role("quarkube:kube-controller-manager", Map.of(),
        r("patch").groups(COORDINATION).resources("leases").names("kube-controller-manager").rule(),
        r("create").groups(STORAGE).resources("storageclasses").rule()));
    out.addAll(ControllerRoles.roles());
    return out;
  }

  // ---------------------------------------------------------------- cluster role bindings

  public static List<ClusterRoleBinding> clusterRoleBindings() {
    List<ClusterRoleBinding> out = new ArrayList<>();
    out.add(binding("cluster-admin", "cluster-admin", group("system:masters")));
    out.add(binding("system:monitoring", "system:monitoring", group("system:monitoring")));
    out.add(binding("system:discovery", "system:discovery", group("system:authenticated")));
    out.add(binding("system:basic-user", "system:basic-user", group("system:authenticated")));
    out.add(binding("system:public-info-viewer", "system:public-info-viewer", group("system:authenticated"),
        group("system:unauthenticated")));
    out.add(binding("system:node-proxier", "system:node-proxier", user("system:kube-proxy")));
    out.add(binding("system:kube-controller-manager", CONTROLLER_MANAGER, user(CONTROLLER_MANAGER)));
    out.add(binding("system:kube-dns", "system:kube-dns", sa("kube-system", "kube-dns"),
        user("system:kube-proxy")));
    out.add(binding("system:kube-scheduler", "system:kube-scheduler", user("system:kube-scheduler")));
    out.add(binding("system:volume-scheduler", "system:volume-scheduler", user("system:kube-scheduler")));
    out.add(binding("quarkube:kube-scheduler", "quarkube:kube-scheduler", user("system:kube-scheduler")));
    out.add(binding("quarkube:kube-controller-manager", "quarkube:kube-controller-manager",
        user(CONTROLLER_MANAGER)));
    // Upstream leaves system:node unbound: the Node authorizer grants its rules, narrowed to each node's objects.
    out.add(binding("system:node", "system:node"));
    out.add(binding("system:service-account-issuer-discovery", "system:service-account-issuer-discovery",
        group("system:serviceaccounts")));
    // What kubeadm adds so that a joining node may ask for (and get) its client certificate with a bootstrap token.
    out.add(binding("quarkube:kubelet-bootstrap", "system:node-bootstrapper", group("system:bootstrappers")));
    out.add(binding("quarkube:node-autoapprove-bootstrap",
        "system:certificates.k8s.io:certificatesigningrequests:nodeclient", group("system:bootstrappers")));
    out.add(binding("quarkube:node-autoapprove-certificate-rotation",
        "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient", group("system:nodes")));
    for (String controller : ControllerRoles.NAMES) {
      out.add(binding("system:controller:" + controller, "system:controller:" + controller,
          sa("kube-system", controller), user(CONTROLLER_MANAGER)));
    }
    return out;
  }

  // ---------------------------------------------------------------- namespaced roles

  public static List<Role> roles() {
    List<Role> out = new ArrayList<>();
    out.add(nsRole("kube-system", "extension-apiserver-authentication-reader",
        r(READ).groups(CORE).resources("configmaps").names("extension-apiserver-authentication").rule()));
    out.add(nsRole("kube-system", "system::leader-locking-kube-controller-manager",
        r("watch").groups(CORE).resources("configmaps").rule(),
        r("get", "update").groups(CORE).resources("configmaps").names("kube-controller-manager").rule()));
    out.add(nsRole("kube-system", "system::leader-locking-kube-scheduler",
        r("watch").groups(CORE).resources("configmaps").rule(),
        r("get", "update").groups(CORE).resources("configmaps").names("kube-scheduler").rule()));
    out.add(nsRole("kube-system", "system:controller:bootstrap-signer",
        r(READ).groups(CORE).resources("secrets").rule()));
    out.add(nsRole("kube-system", "system:controller:cloud-provider",
        r("create", "get", "list", "watch").groups(CORE).resources("configmaps").rule()));
    out.add(nsRole("kube-system", "system:controller:token-cleaner",
        r("delete", "get", "list", "watch").groups(CORE).resources("secrets").rule(), events()));
    out.add(nsRole("kube-public", "system:controller:bootstrap-signer",
        r(READ).groups(CORE).resources("configmaps").rule(),
        r("update").groups(CORE).resources("configmaps").names("cluster-info").rule(), events()));
    return out;
  }

  public static List<RoleBinding> roleBindings() {
    List<RoleBinding> out = new ArrayList<>();
    out.add(nsBinding("kube-system", "system::extension-apiserver-authentication-reader",
        "extension-apiserver-authentication-reader", user(CONTROLLER_MANAGER), user("system:kube-scheduler")));
    out.add(nsBinding("kube-system", "system::leader-locking-kube-controller-manager",
        "system::leader-locking-kube-controller-manager", user(CONTROLLER_MANAGER),
        sa("kube-system", "kube-controller-manager")));
    out.add(nsBinding("kube-system", "system::leader-locking-kube-scheduler", "system::leader-locking-kube-scheduler",
        user("system:kube-scheduler"), sa("kube-system", "kube-scheduler")));
    out.add(nsBinding("kube-system", "system:controller:bootstrap-signer", "system:controller:bootstrap-signer",
        sa("kube-system", "bootstrap-signer")));
    out.add(nsBinding("kube-system", "system:controller:cloud-provider", "system:controller:cloud-provider",
        sa("kube-system", "cloud-provider")));
    out.add(nsBinding("kube-system", "system:controller:token-cleaner", "system:controller:token-cleaner",
        sa("kube-system", "token-cleaner"), user(CONTROLLER_MANAGER)));
    out.add(nsBinding("kube-public", "system:controller:bootstrap-signer", "system:controller:bootstrap-signer",
        sa("kube-system", "bootstrap-signer"), user(CONTROLLER_MANAGER)));
    return out;
  }

  // ---------------------------------------------------------------- helpers

  static Rules r(String... verbs) {
    return Rules.verbs(verbs);
  }

  static PolicyRule events() {
    return r("create", "update", "patch").groups(CORE, "events.k8s.io").resources("events").rule();
  }

  static Map<String, String> labels(Map<String, String> extra) {
    Map<String, String> l = new LinkedHashMap<>(Map.of(BOOTSTRAPPING, "rbac-defaults"));
    l.putAll(extra);
    return l;
  }

  static ClusterRole role(String name, Map<String, String> extraLabels, PolicyRule... rules) {
    return new ClusterRoleBuilder().withNewMetadata().withName(name).withLabels(labels(extraLabels))
        .withAnnotations(Map.of(AUTOUPDATE, "true")).endMetadata().withRules(Arrays.asList(rules)).build();
  }

  private static ClusterRole aggregated(String name, Map<String, String> extraLabels, String selector) {
    return new ClusterRoleBuilder().withNewMetadata().withName(name).withLabels(labels(extraLabels))
        .withAnnotations(Map.of(AUTOUPDATE, "true")).endMetadata()
        .withAggregationRule(new AggregationRuleBuilder().addNewClusterRoleSelector()
            .withMatchLabels(Map.of(AGG + selector, "true")).endClusterRoleSelector().build())
        .withRules(List.of()).build();
  }

  private static Role nsRole(String ns, String name, PolicyRule... rules) {
    return new RoleBuilder().withNewMetadata().withNamespace(ns).withName(name).withLabels(labels(Map.of()))
        .withAnnotations(Map.of(AUTOUPDATE, "true")).endMetadata().withRules(Arrays.asList(rules)).build();
  }

  static ClusterRoleBinding binding(String name, String role, Subject... subjects) {
    return new ClusterRoleBindingBuilder().withNewMetadata().withName(name).withLabels(labels(Map.of()))
        .withAnnotations(Map.of(AUTOUPDATE, "true")).endMetadata()
        .withNewRoleRef().withApiGroup(RBAC).withKind("ClusterRole").withName(role).endRoleRef()
        .withSubjects(Arrays.asList(subjects)).build();
  }

  private static RoleBinding nsBinding(String ns, String name, String role, Subject... subjects) {
    return new RoleBindingBuilder().withNewMetadata().withNamespace(ns).withName(name).withLabels(labels(Map.of()))
        .withAnnotations(Map.of(AUTOUPDATE, "true")).endMetadata()
        .withNewRoleRef().withApiGroup(RBAC).withKind("Role").withName(role).endRoleRef()
        .withSubjects(Arrays.asList(subjects)).build();
  }

  static Subject user(String name) {
    return new SubjectBuilder().withApiGroup(RBAC).withKind("User").withName(name).build();
  }

  static Subject group(String name) {
    return new SubjectBuilder().withApiGroup(RBAC).withKind("Group").withName(name).build();
  }

  static Subject sa(String ns, String name) {
    return new SubjectBuilder().withKind("ServiceAccount").withNamespace(ns).withName(name).build();
  }
}
