package io.quarkube.apiserver.authz;

import io.quarkube.apiserver.auth.AuthenticationChain;
import io.quarkube.apiserver.auth.ServiceAccounts;
import io.quarkube.apiserver.auth.UserInfo;
import io.quarkube.apiserver.errors.ApiException;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Upstream's impersonation filter: {@code Impersonate-User}, {@code Impersonate-Group}, {@code Impersonate-Uid} and
 * {@code Impersonate-Extra-<key>} headers (what {@code kubectl --as/--as-group} send) make the request act as
 * someone else, provided the caller may {@code impersonate} each of those users, groups, uids and extras.
 */
public final class Impersonation implements AuthenticationChain.Impersonator {
  static final String USER = "Impersonate-User";
  static final String GROUP = "Impersonate-Group";
  static final String UID = "Impersonate-Uid";
  static final String EXTRA_PREFIX = "Impersonate-Extra-";

  private final ChainAuthorizer authorizer;

  public Impersonation(ChainAuthorizer authorizer) {
    this.authorizer = authorizer;
  }

  @Override
  public UserInfo apply(RoutingContext ctx, UserInfo requestor) {
    MultiMap h = ctx.request().headers();
    String user = h.get(USER);
    List<String> groups = h.getAll(GROUP);
    String uid = h.get(UID);
    Map<String, List<String>> extra = new LinkedHashMap<>();
    for (var e : h.entries()) {
      if (e.getKey().regionMatches(true, 0, EXTRA_PREFIX, 0, EXTRA_PREFIX.length())) {
        String key = URLDecoder.decode(e.getKey().substring(EXTRA_PREFIX.length()), StandardCharsets.UTF_8)
            .toLowerCase();
        extra.computeIfAbsent(key, k -> new ArrayList<>()).add(e.getValue());
      }
    }
    if (user == null || user.isEmpty()) {
      if (!groups.isEmpty() || uid != null || !extra.isEmpty()) {
        throw ApiException.internal("requested impersonation of groups, uid or extra without impersonating a user");
      }
      return requestor;
    }
    List<String> resultGroups = new ArrayList<>();
    Optional<String[]> sa = ServiceAccounts.split(user);
    if (sa.isPresent()) {
      check(requestor, "", "serviceaccounts", "", sa.get()[0], sa.get()[1]);
      if (groups.isEmpty()) {
        resultGroups.addAll(ServiceAccounts.groups(sa.get()[0]));
      }
    } else {
      check(requestor, "", "users", "", "", user);
    }
    for (String g : groups) {
      check(requestor, "", "groups", "", "", g);
      resultGroups.add(g);
    }
    for (var e : extra.entrySet()) {
      for (String v : e.getValue()) {
        check(requestor, "authentication.k8s.io", "userextras", e.getKey(), "", v);
      }
    }
    if (uid != null && !uid.isEmpty()) {
      check(requestor, "authentication.k8s.io", "uids", "", "", uid);
    }
    if (UserInfo.ANONYMOUS.equals(user)) {
      if (!resultGroups.contains(UserInfo.UNAUTHENTICATED)) {
        resultGroups.add(UserInfo.UNAUTHENTICATED);
      }
    } else if (!resultGroups.contains(UserInfo.AUTHENTICATED)) {
      resultGroups.add(UserInfo.AUTHENTICATED);
    }
    return new UserInfo(user, uid == null ? "" : uid, resultGroups, extra);
  }

  private void check(UserInfo requestor, String group, String resource, String subresource, String namespace,
      String name) {
    authorizer.check(new Attributes(requestor, "impersonate", namespace, group, "v1", resource, subresource, name,
        "", true));
  }
}
