package io.quarkube.controllers.serviceaccount;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.quarkube.client.controller.Controller;
import io.quarkube.client.controller.Keys;
import io.quarkube.controllers.support.ApiErrors;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.ObjectWriter;
import java.util.List;

/**
 * Keeps a {@code default} ServiceAccount in every active namespace (upstream's {@code serviceaccount} controller).
 * Keys are namespace names: a new namespace, or a deleted {@code default} account, leads here.
 */
public final class ServiceAccountsController extends Controller<String> {
  public static final String NAME = "serviceaccount";
  static final List<String> ACCOUNTS = List.of("default");

  private final Indexer<Namespace> namespaces;
  private final Indexer<ServiceAccount> accounts;
  private final ObjectWriter writer;

  public ServiceAccountsController(ControllerContext ctx) {
    super(NAME);
    this.namespaces = ctx.informers().indexer(Namespace.class);
    this.accounts = ctx.informers().indexer(ServiceAccount.class);
    this.writer = ctx.writer();
    ctx.informers().addEventHandler(Namespace.class, enqueueing((Namespace ns) -> ns.getMetadata().getName()));
    ctx.informers().addEventHandler(ServiceAccount.class, enqueueing(
        (ServiceAccount sa) -> ACCOUNTS.contains(sa.getMetadata().getName()) ? sa.getMetadata().getNamespace() : null));
    waitForSync(ctx.informers(), Namespace.class);
    waitForSync(ctx.informers(), ServiceAccount.class);
  }

  @Override
  protected void reconcile(String namespace) {
    if (!Namespaces.isActive(namespaces.getByKey(namespace))) {
      return;
    }
    for (String name : ACCOUNTS) {
      if (accounts.getByKey(Keys.of(namespace, name)) != null) {
        continue;
      }
      try {
        writer.create(new ServiceAccountBuilder().withNewMetadata().withNamespace(namespace).withName(name)
            .endMetadata().build());
      } catch (RuntimeException e) {
        // Already there (our cache lags), or the namespace started terminating: nothing left to do.
        if (!ApiErrors.isAlreadyExists(e) && !ApiErrors.isForbidden(e) && !ApiErrors.isNotFound(e)) {
          throw e;
        }
      }
    }
  }
}
