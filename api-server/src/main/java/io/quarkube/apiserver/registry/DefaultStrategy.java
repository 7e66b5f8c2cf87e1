package io.quarkube.apiserver.registry;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** The strategy of resources without rules of their own. */
public final class DefaultStrategy<T extends HasMetadata> implements Strategy<T> {
  private final NameRule nameRule;

  public DefaultStrategy() {
    this(NameRule.DNS1123_SUBDOMAIN);
  }

  public DefaultStrategy(NameRule nameRule) {
    this.nameRule = nameRule;
  }

  @Override
  public NameRule nameRule() {
    return nameRule;
  }
}
