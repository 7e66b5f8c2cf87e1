package io.quarkube.apiserver.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.quarkube.apiserver.auth.UserInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Upstream's rule matching and coverage. */
class RuleMatcherTest {
  private static final UserInfo BOB = new UserInfo("bob", "", List.of("system:authenticated"));

  private static Attributes res(String verb, String group, String resource, String sub, String name) {
    return Attributes.resource(BOB, verb, "ns", group, resource, sub, name);
  }

  @Test
  void verbsGroupsResourcesAndNames() {
    PolicyRule pods = Rules.verbs("get", "list").groups("").resources("pods").rule();
    assertTrue(RuleMatcher.allows(pods, res("get", "", "pods", "", "x")));
    assertFalse(RuleMatcher.allows(pods, res("delete", "", "pods", "", "x")));
    assertFalse(RuleMatcher.allows(pods, res("get", "apps", "pods", "", "x")), "other group");
    assertFalse(RuleMatcher.allows(pods, res("get", "", "pods", "log", "x")), "subresources are separate");

    PolicyRule scale = Rules.verbs("get").groups("*").resources("*/scale").rule();
    assertTrue(RuleMatcher.allows(scale, res("get", "apps", "deployments", "scale", "d")));
    assertFalse(RuleMatcher.allows(scale, res("get", "apps", "deployments", "", "d")));

    PolicyRule named = Rules.verbs("get", "update").groups("coordination.k8s.io").resources("leases")
        .names("kube-scheduler").rule();
    assertTrue(RuleMatcher.allows(named, res("get", "coordination.k8s.io", "leases", "", "kube-scheduler")));
    assertFalse(RuleMatcher.allows(named, res("get", "coordination.k8s.io", "leases", "", "other")));
    assertFalse(RuleMatcher.allows(named, res("list", "coordination.k8s.io", "leases", "", "")), "no list by name");

    PolicyRule all = Rules.verbs("*").groups("*").resources("*").rule();
    assertTrue(RuleMatcher.allows(all, res("escalate", "rbac.authorization.k8s.io", "clusterroles", "", "x")));
  }

  @Test
  void nonResourceUrls() {
    PolicyRule r = Rules.verbs("get").urls("/healthz", "/apis/*").rule();
    assertTrue(RuleMatcher.allows(r, Attributes.nonResource(BOB, "get", "/healthz")));
    assertTrue(RuleMatcher.allows(r, Attributes.nonResource(BOB, "get", "/apis/apps/v1")));
    assertFalse(RuleMatcher.allows(r, Attributes.nonResource(BOB, "get", "/metrics")));
    assertFalse(RuleMatcher.allows(r, Attributes.nonResource(BOB, "post", "/healthz")));
    assertFalse(RuleMatcher.allows(r, res("get", "", "pods", "", "")), "URL rules never match resources");
  }

  @Test
  void coverageFindsWhatIsNotHeld() {
    List<PolicyRule> owner = List.of(Rules.verbs("get", "list").groups("").resources("pods", "*/status").rule(),
        Rules.verbs("create").groups("apps").resources("deployments").names("d1").rule());
    assertTrue(Coverage.uncovered(owner, List.of(Rules.verbs("get").groups("").resources("pods", "pods/status")
        .rule())).isEmpty());
    List<PolicyRule> missing = Coverage.uncovered(owner, List.of(Rules.verbs("get", "delete").groups("")
        .resources("pods").rule()));
    assertEquals(1, missing.size());
    assertEquals("{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"delete\"]}", Coverage.compact(missing.get(0)));
    assertEquals(1, Coverage.uncovered(owner, List.of(Rules.verbs("create").groups("apps")
        .resources("deployments").rule())).size(), "a named grant does not cover all names");
    assertTrue(Coverage.uncovered(owner, List.of(Rules.verbs("create").groups("apps").resources("deployments")
        .names("d1").rule())).isEmpty());
  }

  @Test
  void forbiddenMessagesAreUpstreams() {
    assertEquals("pods \"x\" is forbidden: User \"bob\" cannot get resource \"pods/log\" in API group \"\" in the "
        + "namespace \"ns\"", Forbidden.of(res("get", "", "pods", "log", "x"), "").getMessage());
    assertEquals("deployments.apps is forbidden: User \"bob\" cannot list resource \"deployments\" in API group "
        + "\"apps\" at the cluster scope", Forbidden.of(Attributes.resource(BOB, "list", "", "apps", "deployments",
        "", ""), "").getMessage());
    assertEquals("forbidden: User \"bob\" cannot get path \"/metrics\"",
        Forbidden.of(Attributes.nonResource(BOB, "get", "/metrics"), "").getMessage());
    assertEquals(403, Forbidden.of(res("get", "", "pods", "", "x"), "").code());
  }

  @Test
  void fieldSelectorNamesTheObject() {
    assertEquals("x", ChainAuthorizer.exactName("metadata.name=x"));
    assertEquals("x", ChainAuthorizer.exactName("spec.nodeName=n,metadata.name==x"));
    assertEquals(null, ChainAuthorizer.exactName("metadata.name!=x"));
    assertEquals(null, ChainAuthorizer.exactName(null));
  }
}
