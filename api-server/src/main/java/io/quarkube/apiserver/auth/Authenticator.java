package io.quarkube.apiserver.auth;

import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * One way of telling who sent a request. The chain tries each in turn; the first that recognises the caller wins,
 * and a request no authenticator recognises is refused with 401.
 */
public interface Authenticator {
  Optional<UserInfo> authenticate(RoutingContext ctx);
}
