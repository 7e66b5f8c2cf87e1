package io.quarkube.kubelet.server;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authentication and authorization of the kubelet API, as upstream's kubelet with webhook authn/authz: a client
 * certificate chained to the cluster CA (checked in the TLS handshake) or a bearer token the API server vouches for
 * (TokenReview); then a SubjectAccessReview for the request's {@link KubeletRequestAttributes} ({@code nodes/proxy},
 * {@code nodes/stats}, ...). No credentials: 401 (anonymous access is off). Answers are cached as upstream's defaults
 * (tokens 2 min; allowed 5 min, denied 30 s). Members of {@code system:masters} pass without a review: the API
 * server's own authorizer lets them do anything, and the API server's streams to this kubelet use such a certificate.
 */
final class KubeletAuth {
  static final String MASTERS = "system:masters";
  private static final Duration TOKEN_TTL = Duration.ofMinutes(2);
  private static final Duration ALLOWED_TTL = Duration.ofMinutes(5);
  private static final Duration DENIED_TTL = Duration.ofSeconds(30);

  private final KubernetesClient client;
  private final String nodeName;
  private final Vertx vertx;
  private final Clock clock;
  private final Map<String, Cached<ClientIdentity.Subject>> tokens = new ConcurrentHashMap<>();
  private final Map<String, Cached<Boolean>> decisions = new ConcurrentHashMap<>();

  private record Cached<T>(T value, Instant until) {}

  KubeletAuth(KubernetesClient client, String nodeName, Vertx vertx, Clock clock) {
    this.client = client;
    this.nodeName = nodeName;
    this.vertx = vertx;
    this.clock = clock;
  }

  /** The route handler: continues with {@code rc.next()} only for an authenticated, authorized caller. */
  void handle(RoutingContext rc) {
    ClientIdentity.Subject fromCert = ClientIdentity.subject(rc);
    if (fromCert != null && fromCert.groups().contains(MASTERS)) {
      rc.next();
      return;
    }
    String header = rc.request().getHeader("Authorization");
    String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim()
        : null;
    if (fromCert == null && (token == null || token.isEmpty())) {
      Errors.send(rc, 401, "Unauthorized", "Unauthorized");
      return;
    }
    KubeletRequestAttributes attrs = KubeletRequestAttributes.of(rc.request().method().name(), rc.request().path(),
        nodeName);
    // Reviews are HTTP calls to the API server: off the event loop, with the request paused meanwhile.
    rc.request().pause();
    vertx.executeBlocking(() -> {
      ClientIdentity.Subject subject = fromCert != null ? fromCert : authenticate(token);
      if (subject == null) {
        return 401;
      }
      return authorize(subject, attrs) ? 200 : 403;
    }, false).onComplete(ar -> {
      rc.request().resume();
      if (ar.failed()) {
        Errors.send(rc, 500, "InternalError", "authorizing the request failed: " + ar.cause().getMessage());
      } else if (ar.result() == 401) {
        Errors.send(rc, 401, "Unauthorized", "Unauthorized");
      } else if (ar.result() == 403) {
        Errors.send(rc, 403, "Forbidden", attrs.forbiddenMessage(subjectName(fromCert, token)));
      } else {
        rc.next();
      }
    });
  }

  private String subjectName(ClientIdentity.Subject fromCert, String token) {
    if (fromCert != null) {
      return fromCert.user();
    }
    Cached<ClientIdentity.Subject> c = tokens.get(token);
    return c == null || c.value() == null ? "" : c.value().user();
  }

  /** The user a bearer token stands for (TokenReview), or null when the API server does not accept it. */
  ClientIdentity.Subject authenticate(String token) {
    Instant now = clock.instant();
    Cached<ClientIdentity.Subject> cached = tokens.get(token);
    if (cached != null && cached.until().isAfter(now)) {
      return cached.value();
    }
    TokenReview review = client.resource(new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build())
        .create();
    ClientIdentity.Subject subject = null;
    if (review.getStatus() != null && Boolean.TRUE.equals(review.getStatus().getAuthenticated())
        && review.getStatus().getUser() != null) {
      var user = review.getStatus().getUser();
      subject = new ClientIdentity.Subject(user.getUsername(), user.getGroups() == null ? List.of()
          : user.getGroups(), user.getUid(), user.getExtra());
    }
    tokens.put(token, new Cached<>(subject, now.plus(subject == null ? DENIED_TTL : TOKEN_TTL)));
    return subject;
  }

  /** Whether the API server lets {@code subject} do what the request asks of this node (SubjectAccessReview). */
  boolean authorize(ClientIdentity.Subject subject, KubeletRequestAttributes attrs) {
    String key = subject.user() + "\u0000" + String.join(",", subject.groups()) + "\u0000" + attrs.verb() + "\u0000"
        + attrs.subresource();
    Instant now = clock.instant();
    Cached<Boolean> cached = decisions.get(key);
    if (cached != null && cached.until().isAfter(now)) {
      return cached.value();
    }
    SubjectAccessReview review = client.resource(new SubjectAccessReviewBuilder().withNewSpec()
        .withUser(subject.user()).withGroups(subject.groups()).withUid(subject.uid())
        .withExtra(subject.extra())
        .withNewResourceAttributes().withVerb(attrs.verb()).withGroup("").withVersion("v1").withResource("nodes")
        .withSubresource(attrs.subresource()).withName(nodeName).endResourceAttributes()
        .endSpec().build()).create();
    boolean allowed = review.getStatus() != null && Boolean.TRUE.equals(review.getStatus().getAllowed());
    decisions.put(key, new Cached<>(allowed, now.plus(allowed ? ALLOWED_TTL : DENIED_TTL)));
    return allowed;
  }
}
