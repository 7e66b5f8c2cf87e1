package io.quarkube.apiserver.auth;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.quarkube.apiserver.registry.Registry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Bootstrap tokens ({@code <id>.<secret>}, kept in kube-system Secrets {@code bootstrap-token-<id>} of type
 * {@code bootstrap.kubernetes.io/token}), with which a new node authenticates as {@code system:bootstrap:<id>} in
 * group {@code system:bootstrappers} to ask for its client certificate.
 */
public final class BootstrapTokens implements TokenAuthenticator {
  static final Pattern FORMAT = Pattern.compile("^([a-z0-9]{6})\\.([a-z0-9]{16})$");
  public static final String SECRET_TYPE = "bootstrap.kubernetes.io/token";
  public static final String GROUP = "system:bootstrappers";
  private static final Pattern EXTRA_GROUP = Pattern.compile("^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$");

  private final Registry registry;
  private final Clock clock;

  public BootstrapTokens(Registry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  @Override
  public Optional<Authenticated> authenticate(String token, List<String> audiences) {
    var m = FORMAT.matcher(token);
    if (!m.matches()) {
      return Optional.empty();
    }
    String id = m.group(1);
    String secretPart = m.group(2);
    HasMetadata obj = registry.store("", "v1", "secrets").flatMap(s -> s.find("kube-system", "bootstrap-token-" + id))
        .orElseThrow(() -> new InvalidToken("no bootstrap token with id " + id));
    Secret secret = (Secret) obj;
    if (!SECRET_TYPE.equals(secret.getType()) || secret.getMetadata().getDeletionTimestamp() != null) {
      throw new InvalidToken("bootstrap token " + id + " is not usable");
    }
    Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
    if (!id.equals(value(data, "token-id"))
        || !MessageDigest.isEqual(secretPart.getBytes(StandardCharsets.UTF_8),
            value(data, "token-secret").getBytes(StandardCharsets.UTF_8))) {
      throw new InvalidToken("bootstrap token " + id + " does not match");
    }
    if (!"true".equals(value(data, "usage-bootstrap-authentication"))) {
      throw new InvalidToken("bootstrap token " + id + " may not be used for authentication");
    }
    String expiration = value(data, "expiration");
    if (!expiration.isEmpty()) {
      try {
        if (clock.instant().isAfter(Instant.parse(expiration))) {
          throw new InvalidToken("bootstrap token " + id + " has expired");
        }
      } catch (DateTimeParseException e) {
        throw new InvalidToken("bootstrap token " + id + " has an unreadable expiration");
      }
    }
    List<String> groups = new ArrayList<>(List.of(GROUP));
    for (String g : value(data, "auth-extra-groups").split(",")) {
      String group = g.trim();
      if (group.isEmpty()) {
        continue;
      }
      if (!EXTRA_GROUP.matcher(group).matches()) {
        throw new InvalidToken("bootstrap token " + id + " names an invalid extra group " + group);
      }
      groups.add(group);
    }
    groups.add(UserInfo.AUTHENTICATED);
    return Optional.of(new Authenticated(new UserInfo("system:bootstrap:" + id, "", groups), audiences));
  }

  private static String value(Map<String, String> data, String key) {
    String v = data.get(key);
    return v == null ? "" : new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8);
  }
}
