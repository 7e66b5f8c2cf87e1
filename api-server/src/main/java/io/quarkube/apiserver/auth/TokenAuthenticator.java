package io.quarkube.apiserver.auth;

import java.util.List;
import java.util.Optional;

/**
 * Recognises one kind of bearer token. Empty means "not mine" (the next kind is tried); {@link InvalidToken} means
 * "mine, but not valid", which ends authentication with 401 as upstream does.
 */
public interface TokenAuthenticator {
  /**
   * @param audiences the audiences the caller accepts (the API server's own for requests, a TokenReview's
   *     {@code spec.audiences} otherwise)
   */
  Optional<Authenticated> authenticate(String token, List<String> audiences);

  /** The user a token stands for, and the audiences of the token that matched. */
  record Authenticated(UserInfo user, List<String> audiences) {}

  /** A token of this kind that must not be accepted (expired, forged, its account deleted...). */
  final class InvalidToken extends RuntimeException {
    public InvalidToken(String message) {
      super(message, null, false, false);
    }
  }
}
