package io.quarkube.apiserver.auth;

import java.util.List;
import java.util.Map;

/**
 * Who made a request, as authentication found out (upstream's {@code user.Info}): name, uid, groups and extra
 * attributes (service-account tokens carry the pod they are bound to, for instance).
 */
public record UserInfo(String name, String uid, List<String> groups, Map<String, List<String>> extra) {
  public static final String ANONYMOUS = "system:anonymous";
  public static final String AUTHENTICATED = "system:authenticated";
  public static final String UNAUTHENTICATED = "system:unauthenticated";
  public static final String MASTERS = "system:masters";

  public UserInfo {
    uid = uid == null ? "" : uid;
    groups = List.copyOf(groups);
    extra = extra == null ? Map.of() : Map.copyOf(extra);
  }

  public UserInfo(String name, String uid, List<String> groups) {
    this(name, uid, groups, Map.of());
  }

  public boolean inGroup(String group) {
    return groups.contains(group);
  }
}
