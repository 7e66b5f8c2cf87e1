package io.quarkube.apiserver.endpoints;

import io.quarkube.apiserver.auth.UserInfo;
import io.quarkube.apiserver.resource.ResourceDefinition;
import io.vertx.ext.web.RoutingContext;

/**
 * Serves a resource or subresource that the generic store does not: virtual resources (reviews, token requests),
 * and subresources such as {@code pods/log}, {@code pods/exec}, {@code pods/eviction},
 * {@code serviceaccounts/token}. Implementations are CDI beans; {@link #key()} names what they serve as
 * {@code group/resource} or {@code group/resource/subresource} (core group: empty, e.g. {@code /pods/log}).
 * They run after authentication and authorization, on a worker thread, and write the response themselves
 * (throwing {@code ApiException} for errors).
 */
public interface ExtensionHandler {
  String key();

  void handle(RoutingContext ctx, ResourceDefinition definition, RequestInfo request, UserInfo user);
}
