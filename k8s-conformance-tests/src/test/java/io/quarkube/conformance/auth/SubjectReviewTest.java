package io.quarkube.conformance.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.LocalSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.LocalSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream's SubjectReview conformance test: a SubjectAccessReview and a LocalSubjectAccessReview for a
 * ServiceAccount answer what the admin, impersonating that account (user, groups and uid), is really allowed.
 */
@ExtendWith(TestNamespace.class)
class SubjectReviewTest {
  private final KubernetesClient client = Cluster.client();

  /** The HTTP status of listing configmaps in {@code ns} as the impersonated account. */
  private int listConfigMapsAs(String ns, String user, String uid, List<String> groups) throws Exception {
    HttpClient http = client.getHttpClient();
    String base = client.getMasterUrl().toString().replaceAll("/$", "");
    HttpRequest.Builder b = http.newHttpRequestBuilder().uri(base + "/api/v1/namespaces/" + ns + "/configmaps")
        .header("Impersonate-User", user).header("Impersonate-Uid", uid);
    for (String group : groups) {
      b.header("Impersonate-Group", group);
    }
    HttpResponse<String> r = http.sendAsync(b.build(), String.class).get(60, TimeUnit.SECONDS);
    assertTrue(r.code() == 200 || r.code() == 403, r.code() + " " + r.body());
    return r.code();
  }

  @Conformance("auth.subject-review")
  @Test
  void subjectAccessReviewsAgreeWithTheImpersonatedRequest(String ns) throws Exception {
    ServiceAccount sa = client.serviceAccounts().inNamespace(ns).resource(new ServiceAccountBuilder()
        .withNewMetadata().withName("e2e").endMetadata().build()).create();
    String user = "system:serviceaccount:" + ns + ":e2e";
    List<String> groups = List.of("system:authenticated", "system:serviceaccounts", "system:serviceaccounts:" + ns);
    String uid = sa.getMetadata().getUid();

    SubjectAccessReview sar = client.authorization().v1().subjectAccessReview().create(
        new SubjectAccessReviewBuilder().withNewSpec().withNewResourceAttributes().withVerb("list")
            .withResource("configmaps").withNamespace(ns).withVersion("v1").endResourceAttributes().withUser(user)
            .withGroups(groups).withUid(uid).endSpec().build());
    boolean allowed = listConfigMapsAs(ns, user, uid, groups) == 200;
    assertEquals(allowed, sar.getStatus().getAllowed(), sar.getStatus().toString());
    assertEquals(false, allowed, "a fresh account may not list configmaps");

    // upstream's local review names the account by its short name
    LocalSubjectAccessReview lsar = client.authorization().v1().localSubjectAccessReview().inNamespace(ns).create(
        new LocalSubjectAccessReviewBuilder().withNewMetadata().withNamespace(ns).endMetadata().withNewSpec()
            .withNewResourceAttributes().withVerb("list").withResource("configmaps").withNamespace(ns)
            .withVersion("v1").endResourceAttributes().withUser("e2e").withGroups(groups).withUid(uid).endSpec()
            .build());
    assertEquals(allowed, lsar.getStatus().getAllowed(), lsar.getStatus().toString());
  }
}
