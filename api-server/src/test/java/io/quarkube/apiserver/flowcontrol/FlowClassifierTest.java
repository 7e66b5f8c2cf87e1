package io.quarkube.apiserver.flowcontrol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchema;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.PriorityLevelConfiguration;
import io.quarkube.apiserver.auth.UserInfo;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.registry.flowcontrol.BootstrapConfiguration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Matching and precedence as upstream's rule.go and config controller. */
class FlowClassifierTest {
  private static final UserInfo ADMIN = user("kubernetes-admin", "system:masters", "system:authenticated");
  private static final UserInfo NODE = user("system:node:n1", "system:nodes", "system:authenticated");
  private static final UserInfo SCHEDULER = user("system:kube-scheduler", "system:authenticated");
  private static final UserInfo KUBE_SYSTEM_SA = user("system:serviceaccount:kube-system:generic-garbage-collector",
      "system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated");
  private static final UserInfo OTHER_SA = user("system:serviceaccount:default:builder", "system:serviceaccounts",
      "system:serviceaccounts:default", "system:authenticated");
  private static final UserInfo JANE = user("jane", "system:authenticated");

  static UserInfo user(String name, String... groups) {
    return new UserInfo(name, "", List.of(groups));
  }

  /** The defaults as stored: each object gets a uid of its own name. */
  static CompiledSchema[] defaults(List<FlowSchema> extra, List<PriorityLevelConfiguration> extraLevels) {
    List<FlowSchema> fs = new ArrayList<>(BootstrapConfiguration.allFlowSchemas().values());
    fs.addAll(extra);
    List<PriorityLevelConfiguration> pls = new ArrayList<>(BootstrapConfiguration.allPriorityLevels().values());
    pls.addAll(extraLevels);
    fs.forEach(o -> o.getMetadata().setUid("fs-" + o.getMetadata().getName()));
    pls.forEach(o -> o.getMetadata().setUid("pl-" + o.getMetadata().getName()));
    return FlowClassifier.compile(fs, pls);
  }

  static String resource(CompiledSchema[] all, UserInfo user, String verb, String group, String resource,
      String sub, String ns) {
    for (CompiledSchema s : all) {
      if (s.matchesResource(user, verb, group, resource, sub, ns)) {
        return s.name;
      }
    }
    return all[all.length - 1].name;
  }

  static String nonResource(CompiledSchema[] all, UserInfo user, String verb, String path) {
    for (CompiledSchema s : all) {
      if (s.matchesNonResource(user, verb, path)) {
        return s.name;
      }
    }
    return all[all.length - 1].name;
  }

  @Test
  void defaultsClassifyAsUpstream() {
    CompiledSchema[] all = defaults(List.of(), List.of());
    assertEquals("exempt", resource(all, ADMIN, "create", "", "pods", null, "default"));
    assertEquals("probes", nonResource(all, JANE, "get", "/readyz"));
    assertEquals("global-default", nonResource(all, JANE, "post", "/readyz"));
    // the node-high schema (400) wins over system-nodes (500) for node status and leases only
    assertEquals("system-node-high", resource(all, NODE, "patch", "", "nodes", "status", null));
    assertEquals("system-node-high", resource(all, NODE, "update", "coordination.k8s.io", "leases", null,
        "kube-node-lease"));
    assertEquals("system-nodes", resource(all, NODE, "get", "", "pods", null, "default"));
    assertEquals("system-nodes", resource(all, NODE, "get", "", "pods", "log", "default"));
    assertEquals("system-leader-election", resource(all, SCHEDULER, "update", "coordination.k8s.io", "leases",
        null, "kube-system"));
    assertEquals("kube-scheduler", resource(all, SCHEDULER, "create", "", "pods", "binding", "default"));
    // kube-system service accounts: leader election (200), then the all-rules schema (900)
    assertEquals("workload-leader-election", resource(all, KUBE_SYSTEM_SA, "get", "", "configmaps", null,
        "default"));
    assertEquals("kube-system-service-accounts", resource(all, KUBE_SYSTEM_SA, "delete", "", "pods", null,
        "default"));
    assertEquals("service-accounts", resource(all, OTHER_SA, "list", "apps", "deployments", null, "default"));
    assertEquals("global-default", resource(all, JANE, "list", "", "namespaces", null, null));
  }

  @Test
  void precedenceThenNameDecide() {
    FlowSchema low = schema("b-jane", "jane-level", 500, "{'kind':'User','user':{'name':'jane'}}",
        "'nonResourceRules':[{'verbs':['*'],'nonResourceURLs':['*']}]");
    FlowSchema same = schema("a-jane", "jane-level", 500, "{'kind':'User','user':{'name':'jane'}}",
        "'nonResourceRules':[{'verbs':['get'],'nonResourceURLs':['/debug/*']}]");
    FlowSchema higher = schema("z-jane", "jane-level", 100, "{'kind':'Group','group':{'name':'*'}}",
        "'nonResourceRules':[{'verbs':['get'],'nonResourceURLs':['/metrics']}]");
    CompiledSchema[] all = defaults(List.of(low, same, higher), List.of(level("jane-level")));
    assertEquals("z-jane", nonResource(all, JANE, "get", "/metrics"));
    assertEquals("a-jane", nonResource(all, JANE, "get", "/debug/pprof"));
    // "/debug/*" matches below /debug (and /debug/ itself), not /debug
    assertEquals("a-jane", nonResource(all, JANE, "get", "/debug/"));
    assertEquals("b-jane", nonResource(all, JANE, "get", "/debug"));
    // upstream's probes schema names "/healthz": a URL without "*" matches what lies below it too
    assertEquals("probes", nonResource(all, JANE, "get", "/healthz/etcd"));
    // a schema with a resource rule only does not catch non-resource requests and vice versa
    assertEquals("global-default", resource(all, JANE, "get", "", "pods", null, "default"));
    // the classification carries both UIDs
    for (CompiledSchema s : all) {
      if (s.name.equals("z-jane")) {
        assertEquals(new Classification("z-jane", "fs-z-jane", "jane-level", "pl-jane-level"), s.classification);
      }
    }
  }

  @Test
  void resourceRulesMatchVerbGroupResourceAndScope() {
    FlowSchema fs = schema("rules", "p", 50, "{'kind':'ServiceAccount','serviceAccount':{'namespace':'ci',"
        + "'name':'*'}}", "'resourceRules':[{'verbs':['get','list'],'apiGroups':['apps'],'resources':"
        + "['deployments','deployments/scale'],'namespaces':['ci']},{'verbs':['*'],'apiGroups':['*'],'resources':"
        + "['nodes'],'clusterScope':true}]");
    CompiledSchema[] all = defaults(List.of(fs), List.of(level("p")));
    UserInfo ci = user("system:serviceaccount:ci:runner", "system:serviceaccounts", "system:authenticated");
    assertEquals("rules", resource(all, ci, "get", "apps", "deployments", null, "ci"));
    assertEquals("rules", resource(all, ci, "get", "apps", "deployments", "scale", "ci"));
    assertEquals("service-accounts", resource(all, ci, "get", "apps", "deployments", "status", "ci"));
    assertEquals("service-accounts", resource(all, ci, "delete", "apps", "deployments", null, "ci"));
    assertEquals("service-accounts", resource(all, ci, "get", "", "deployments", null, "ci"));
    assertEquals("service-accounts", resource(all, ci, "get", "apps", "deployments", null, "other"));
    // not cluster scoped: a cluster-wide list does not match the first rule
    assertEquals("service-accounts", resource(all, ci, "list", "apps", "deployments", null, null));
    assertEquals("rules", resource(all, ci, "get", "", "nodes", null, null));
    // a service account of another namespace, and a user whose name only starts like one
    assertEquals("service-accounts", resource(all, OTHER_SA, "get", "", "nodes", null, null));
    assertEquals("global-default", resource(all, user("system:serviceaccount:ci", "system:authenticated"), "get",
        "", "nodes", null, null));
  }

  @Test
  void danglingSchemasArePassedOverAndMandatoryOnesStandInWhenMissing() {
    FlowSchema dangling = schema("dangling", "missing", 2, "{'kind':'Group','group':{'name':'*'}}",
        "'nonResourceRules':[{'verbs':['*'],'nonResourceURLs':['*']}]");
    CompiledSchema[] all = defaults(List.of(dangling), List.of());
    assertEquals("probes", nonResource(all, JANE, "get", "/livez"));
    // nothing stored yet: exempt and catch-all, without UIDs
    CompiledSchema[] bare = FlowClassifier.compile(List.of(), List.of());
    assertEquals(2, bare.length);
    assertEquals("exempt", nonResource(bare, ADMIN, "get", "/version"));
    assertEquals(new Classification("catch-all", "", "catch-all", ""), bare[1].classification);
    assertEquals("catch-all", nonResource(bare, JANE, "get", "/version"));
  }

  @Test
  void danglingConditionAsUpstreamWritesIt() {
    var found = DanglingConditions.desired("system", Set.of("system"));
    assertEquals(List.of("False", "Found",
        "This FlowSchema references the PriorityLevelConfiguration object named \"system\" and it exists"),
        List.of(found.getStatus(), found.getReason(), found.getMessage()));
    var missing = DanglingConditions.desired("gone", Set.of("system"));
    assertEquals(List.of("True", "NotFound",
        "This FlowSchema references the PriorityLevelConfiguration object named \"gone\" but there is no such "
            + "object"), List.of(missing.getStatus(), missing.getReason(), missing.getMessage()));
  }

  static FlowSchema schema(String name, String level, int precedence, String subject, String rules) {
    return Json.read(("{'metadata':{'name':'" + name + "'},'spec':{'priorityLevelConfiguration':{'name':'" + level
        + "'},'matchingPrecedence':" + precedence + ",'rules':[{'subjects':[" + subject + "]," + rules + "}]}}")
        .replace('\'', '"').getBytes(), FlowSchema.class);
  }

  static PriorityLevelConfiguration level(String name) {
    return Json.read(("{'metadata':{'name':'" + name + "'},'spec':{'type':'Limited','limited':"
        + "{'nominalConcurrencyShares':1,'limitResponse':{'type':'Reject'}}}}").replace('\'', '"').getBytes(),
        PriorityLevelConfiguration.class);
  }
}
