package io.quarkube.apiserver.auth;

import java.util.List;

/** Who made a request, as authentication found out (upstream's {@code user.Info}). */
public record UserInfo(String name, String uid, List<String> groups) {
  public boolean inGroup(String group) {
    return groups.contains(group);
  }
}
