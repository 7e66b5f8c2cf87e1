package io.quarkube.apiserver.registry;

import io.quarkube.apiserver.selection.FieldSelector;
import io.quarkube.apiserver.selection.LabelSelector;

/**
 * A list request: selectors, paging and upstream's resourceVersion semantics ({@code resourceVersion} "" = newest
 * from etcd, "0" = any, otherwise with {@code resourceVersionMatch} NotOlderThan (default) or Exact).
 */
public record ListOptions(LabelSelector labels, FieldSelector fields, long limit, String continueToken,
    String resourceVersion, String resourceVersionMatch) {

  public static ListOptions all() {
    return new ListOptions(LabelSelector.everything(), FieldSelector.everything(), 0, null, null, null);
  }

  /** No label or field selector: every object qualifies, without looking into it. */
  public boolean selectsEverything() {
    return labels.isEverything() && fields.isEverything();
  }
}
