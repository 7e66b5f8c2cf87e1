package io.quarkube.apiserver.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.registry.Registry;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Service-account JWTs: issues bound tokens (TokenRequest) and authenticates both bound tokens and legacy
 * Secret-based tokens. Every token is checked against the live objects it names, so a token of a deleted (or
 * re-created) account, pod or secret stops working at once, as upstream's "bound service account token" rules say.
 */
public final class ServiceAccountTokens implements TokenAuthenticator {
  /** The issuer of legacy tokens kept in Secrets of type kubernetes.io/service-account-token. */
  public static final String LEGACY_ISSUER = "kubernetes/serviceaccount";
  private static final String K8S = "kubernetes.io";

  private final ServiceAccountKeys keys;
  private final String issuer;
  private final List<String> apiAudiences;
  private final Registry registry;
  private final Clock clock;

  public ServiceAccountTokens(ServiceAccountKeys keys, String issuer, List<String> apiAudiences, Registry registry,
      Clock clock) {
    this.keys = keys;
    this.issuer = issuer;
    this.apiAudiences = List.copyOf(apiAudiences);
    this.registry = registry;
    this.clock = clock;
  }

  public String issuer() {
    return issuer;
  }

  public List<String> apiAudiences() {
    return apiAudiences;
  }

  public ServiceAccountKeys keys() {
    return keys;
  }

  /** An object a token is bound to: it must still exist, with this uid, for the token to work. */
  public record BoundObject(String kind, String name, String uid) {}

  /** A signed token and when it expires. */
  public record Issued(String token, Instant expires) {}

  public Issued issue(String namespace, String account, String accountUid, List<String> audiences,
      long expirationSeconds, BoundObject pod, BoundObject secret, BoundObject node) {
    Instant now = clock.instant();
    Instant exp = now.plusSeconds(expirationSeconds);
    ObjectNode c = Json.MAPPER.createObjectNode();
    c.putPOJO("aud", audiences);
    c.put("exp", exp.getEpochSecond());
    c.put("iat", now.getEpochSecond());
    c.put("iss", issuer);
    c.put("jti", UUID.randomUUID().toString());
    ObjectNode k = c.putObject(K8S);
    k.put("namespace", namespace);
    if (node != null) {
      k.putObject("node").put("name", node.name()).put("uid", node.uid());
    }
    if (pod != null) {
      k.putObject("pod").put("name", pod.name()).put("uid", pod.uid());
    }
    if (secret != null) {
      k.putObject("secret").put("name", secret.name()).put("uid", secret.uid());
    }
    k.putObject("serviceaccount").put("name", account).put("uid", accountUid);
    c.put("nbf", now.getEpochSecond());
    c.put("sub", ServiceAccounts.userName(namespace, account));
    return new Issued(Jwt.sign(c, keys.signingKey(), keys.signingKeyId()), exp);
  }

  @Override
  public Optional<Authenticated> authenticate(String token, List<String> audiences) {
    Optional<Jwt.Parsed> parsed = Jwt.parse(token);
    if (parsed.isEmpty()) {
      return Optional.empty();
    }
    Jwt.Parsed jwt = parsed.get();
    String iss = jwt.claims().path("iss").asText("");
    boolean legacy = LEGACY_ISSUER.equals(iss);
    if (!legacy && !issuer.equals(iss)) {
      return Optional.empty();
    }
    boolean signed = false;
    for (PublicKey key : keys.keysFor(jwt.kid())) {
      if (Jwt.verify(jwt, key)) {
        signed = true;
        break;
      }
    }
    if (!signed) {
      throw new InvalidToken("invalid bearer token, square/go-jose: error in cryptographic primitive");
    }
    return Optional.of(legacy ? legacy(jwt.claims(), token) : bound(jwt.claims(), audiences));
  }

  private Authenticated bound(ObjectNode claims, List<String> wanted) {
    long now = clock.instant().getEpochSecond();
    if (claims.has("exp") && now > claims.path("exp").asLong() + 60) {
      throw new InvalidToken("service account token has expired");
    }
    if (claims.has("nbf") && now + 60 < claims.path("nbf").asLong()) {
      throw new InvalidToken("service account token is not valid yet");
    }
    List<String> tokenAudiences = new ArrayList<>();
    JsonNode aud = claims.path("aud");
    if (aud.isArray()) {
      aud.forEach(a -> tokenAudiences.add(a.asText()));
    } else if (aud.isTextual()) {
      tokenAudiences.add(aud.asText());
    }
    List<String> accepted = wanted == null || wanted.isEmpty() ? apiAudiences : wanted;
    List<String> matching = tokenAudiences.stream().filter(accepted::contains).toList();
    if (matching.isEmpty()) {
      throw new InvalidToken("token audiences " + tokenAudiences + " is invalid for the target audiences "
          + accepted);
    }
    JsonNode k = claims.path(K8S);
    String ns = k.path("namespace").asText("");
    String saName = k.path("serviceaccount").path("name").asText("");
    String saUid = k.path("serviceaccount").path("uid").asText("");
    if (ns.isEmpty() || saName.isEmpty()) {
      throw new InvalidToken("service account token claims are incomplete");
    }
    HasMetadata sa = live("", "serviceaccounts", ns, saName)
        .orElseThrow(() -> new InvalidToken("service account " + ns + "/" + saName + " has been deleted"));
    if (!saUid.isEmpty() && !saUid.equals(sa.getMetadata().getUid())) {
      throw new InvalidToken("service account UID (" + saUid + ") does not match claim (" + sa.getMetadata().getUid()
          + ")");
    }
    Map<String, List<String>> extra = new LinkedHashMap<>();
    checkBound(k.path("pod"), "pods", ns, "pod", extra);
    checkBound(k.path("secret"), "secrets", ns, "secret", null);
    checkBound(k.path("node"), "nodes", null, "node", extra);
    extra.put("authentication.kubernetes.io/credential-id", List.of("JTI=" + claims.path("jti").asText("")));
    UserInfo user = new UserInfo(ServiceAccounts.userName(ns, saName), sa.getMetadata().getUid(),
        ServiceAccounts.groups(ns), extra);
    return new Authenticated(user, matching);
  }

  private void checkBound(JsonNode ref, String resource, String ns, String what, Map<String, List<String>> extra) {
    if (ref.isMissingNode() || ref.isNull()) {
      return;
    }
    String name = ref.path("name").asText("");
    String uid = ref.path("uid").asText("");
    HasMetadata obj = live("", resource, ns, name)
        .orElseThrow(() -> new InvalidToken(what + " \"" + name + "\" not found"));
    if (!uid.isEmpty() && !uid.equals(obj.getMetadata().getUid())) {
      throw new InvalidToken(what + " UID (" + obj.getMetadata().getUid() + ") does not match claim (" + uid + ")");
    }
    if (obj.getMetadata().getDeletionTimestamp() != null && "secrets".equals(resource)) {
      throw new InvalidToken(what + " \"" + name + "\" is being deleted");
    }
    if (extra != null) {
      extra.put("authentication.kubernetes.io/" + what + "-name", List.of(name));
      extra.put("authentication.kubernetes.io/" + what + "-uid", List.of(obj.getMetadata().getUid()));
    }
  }

  /** Legacy tokens: valid while their Secret holds exactly this token and the account keeps its uid. */
  private Authenticated legacy(ObjectNode claims, String token) {
    String ns = claims.path("kubernetes.io/serviceaccount/namespace").asText("");
    String secretName = claims.path("kubernetes.io/serviceaccount/secret.name").asText("");
    String saName = claims.path("kubernetes.io/serviceaccount/service-account.name").asText("");
    String saUid = claims.path("kubernetes.io/serviceaccount/service-account.uid").asText("");
    HasMetadata secret = live("", "secrets", ns, secretName)
        .orElseThrow(() -> new InvalidToken("secret " + ns + "/" + secretName + " not found"));
    HasMetadata sa = live("", "serviceaccounts", ns, saName)
        .orElseThrow(() -> new InvalidToken("service account " + ns + "/" + saName + " has been deleted"));
    if (!saUid.equals(sa.getMetadata().getUid())) {
      throw new InvalidToken("service account UID (" + saUid + ") does not match claim");
    }
    if (secret.getMetadata().getDeletionTimestamp() != null) {
      throw new InvalidToken("token " + ns + "/" + secretName + " is being deleted");
    }
    Map<String, String> data = ((Secret) secret).getData();
    String stored = data == null || data.get("token") == null ? ""
        : new String(Base64.getDecoder().decode(data.get("token")), java.nio.charset.StandardCharsets.UTF_8);
    if (!stored.equals(token)) {
      throw new InvalidToken("token " + ns + "/" + secretName + " does not hold this token");
    }
    Map<String, List<String>> extra = Map.of("authentication.kubernetes.io/credential-id",
        List.of("secret=" + secret.getMetadata().getUid()));
    return new Authenticated(new UserInfo(ServiceAccounts.userName(ns, saName), saUid, ServiceAccounts.groups(ns),
        extra), apiAudiences);
  }

  private Optional<HasMetadata> live(String group, String resource, String ns, String name) {
    if (name == null || name.isEmpty()) {
      return Optional.empty();
    }
    return registry.store(group, "v1", resource).flatMap(s -> s.find(ns, name));
  }
}
