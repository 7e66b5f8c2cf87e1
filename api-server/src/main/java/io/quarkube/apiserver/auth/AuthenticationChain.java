package io.quarkube.apiserver.auth;

import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.security.RequestContexts;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The authentication stage, in upstream's order: x509 client certificate, then a bearer token tried against each
 * token authenticator (an invalid token ends in 401, never in anonymous), then — only where configured — the
 * anonymous user or the in-process tests' user. Impersonation headers are applied last, to whoever was found.
 */
public final class AuthenticationChain implements Authenticator {
  private static final Logger LOG = Logger.getLogger(AuthenticationChain.class);

  /** Turns the authenticated user into the impersonated one when the request asks (and may). */
  @FunctionalInterface
  public interface Impersonator {
    UserInfo apply(RoutingContext ctx, UserInfo authenticated);
  }

  private final ClientCertificateAuthenticator certificates;
  private final List<TokenAuthenticator> tokens;
  private final List<String> apiAudiences;
  private final boolean anonymous;
  private final Optional<String> insecureTestUser;
  private final Impersonator impersonator;

  public AuthenticationChain(ClientCertificateAuthenticator certificates, List<TokenAuthenticator> tokens,
      List<String> apiAudiences, boolean anonymous, Optional<String> insecureTestUser, Impersonator impersonator) {
    this.certificates = certificates;
    this.tokens = List.copyOf(tokens);
    this.apiAudiences = List.copyOf(apiAudiences);
    this.anonymous = anonymous;
    this.insecureTestUser = insecureTestUser.filter(s -> !s.isEmpty());
    this.impersonator = impersonator;
  }

  @Override
  public Optional<UserInfo> authenticate(RoutingContext ctx) {
    RequestContexts.set(ctx);
    Optional<UserInfo> found = identify(ctx);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    UserInfo user = impersonator == null ? found.get() : impersonator.apply(ctx, found.get());
    if (user != found.get()) {
      ctx.put(RequestContexts.IMPERSONATOR, found.get());
    }
    ctx.put(RequestContexts.USER, user);
    return Optional.of(user);
  }

  private Optional<UserInfo> identify(RoutingContext ctx) {
    Optional<UserInfo> cert = certificates.authenticate(ctx);
    if (cert.isPresent()) {
      return cert;
    }
    String token = bearerToken(ctx);
    if (token != null) {
      try {
        return Optional.of(authenticateToken(token, apiAudiences).user());
      } catch (TokenRejected e) {
        throw ApiException.unauthorized();
      }
    }
    if (insecureTestUser.isPresent() && !ctx.request().isSSL()) {
      return Optional.of(new UserInfo(insecureTestUser.get(), "", List.of(UserInfo.MASTERS, UserInfo.AUTHENTICATED)));
    }
    if (anonymous) {
      return Optional.of(new UserInfo(UserInfo.ANONYMOUS, "", List.of(UserInfo.UNAUTHENTICATED)));
    }
    return Optional.empty();
  }

  /** Runs the token authenticators (also for TokenReview); 401 when none accepts the token. */
  public TokenAuthenticator.Authenticated authenticateToken(String token, List<String> audiences) {
    List<String> errors = new ArrayList<>();
    for (TokenAuthenticator t : tokens) {
      try {
        Optional<TokenAuthenticator.Authenticated> user = t.authenticate(token, audiences);
        if (user.isPresent()) {
          return user.get();
        }
      } catch (TokenAuthenticator.InvalidToken e) {
        errors.add(e.getMessage());
      }
    }
    LOG.debugf("bearer token refused: %s", errors.isEmpty() ? "unknown format" : errors);
    throw new TokenRejected(errors.isEmpty() ? "invalid bearer token" : String.join(", ", errors));
  }

  static String bearerToken(RoutingContext ctx) {
    String h = ctx.request().getHeader("Authorization");
    if (h == null) {
      return null;
    }
    h = h.trim();
    if (h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = h.substring(7).trim();
    return token.isEmpty() ? null : token;
  }

  /** 401 for a token no authenticator accepts; the reason is kept for TokenReview's status.error. */
  public static final class TokenRejected extends RuntimeException {
    TokenRejected(String reason) {
      super(reason, null, false, false);
    }
  }
}
