package io.quarkube.apiserver.auth;

import java.util.List;
import java.util.Optional;

/** Upstream's naming of service-account users: {@code system:serviceaccount:<namespace>:<name>}. */
public final class ServiceAccounts {
  public static final String USER_PREFIX = "system:serviceaccount:";
  public static final String ALL_GROUP = "system:serviceaccounts";

  private ServiceAccounts() {}

  public static String userName(String namespace, String name) {
    return USER_PREFIX + namespace + ":" + name;
  }

  public static List<String> groups(String namespace) {
    return List.of(ALL_GROUP, ALL_GROUP + ":" + namespace, UserInfo.AUTHENTICATED);
  }

  /** {@code [namespace, name]} of a service-account user name, or empty for any other user. */
  public static Optional<String[]> split(String userName) {
    if (userName == null || !userName.startsWith(USER_PREFIX)) {
      return Optional.empty();
    }
    String[] parts = userName.substring(USER_PREFIX.length()).split(":", -1);
    if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(parts);
  }
}
