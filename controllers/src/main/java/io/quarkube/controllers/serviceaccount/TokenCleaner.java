package io.quarkube.controllers.serviceaccount;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.quarkube.client.controller.Controller;
import io.quarkube.client.controller.Keys;
import io.quarkube.controllers.support.ApiErrors;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.ObjectWriter;
import java.util.Map;

/**
 * Token cleanup, the part of upstream's {@code serviceaccount-token} controller that keeps legacy token Secrets
 * honest: a {@code kubernetes.io/service-account-token} Secret whose ServiceAccount is gone, or was recreated (its
 * uid no longer the one the Secret names), is deleted, so its token stops existing as well as stops working. Keys
 * are Secret keys; a deleted account enqueues the token Secrets of its namespace that name it.
 */
public final class TokenCleaner extends Controller<String> {
  public static final String NAME = "serviceaccount-token";
  static final String TYPE = "kubernetes.io/service-account-token";
  static final String NAME_ANNOTATION = "kubernetes.io/service-account.name";
  static final String UID_ANNOTATION = "kubernetes.io/service-account.uid";

  private final Indexer<Secret> secrets;
  private final Indexer<ServiceAccount> accounts;
  private final ObjectWriter writer;

  public TokenCleaner(ControllerContext ctx) {
    super(NAME);
    this.secrets = ctx.informers().indexer(Secret.class);
    this.accounts = ctx.informers().indexer(ServiceAccount.class);
    this.writer = ctx.writer();
    ctx.informers().addEventHandler(Secret.class, enqueueing((Secret s) -> TYPE.equals(s.getType()) ? Keys.of(s)
        : null));
    ctx.informers().addEventHandler(ServiceAccount.class, new io.fabric8.kubernetes.client.informers
        .ResourceEventHandler<ServiceAccount>() {
      @Override
      public void onAdd(ServiceAccount sa) {}

      @Override
      public void onUpdate(ServiceAccount o, ServiceAccount n) {}

      @Override
      public void onDelete(ServiceAccount sa, boolean unknown) {
        for (Secret s : secrets.byIndex("namespace", sa.getMetadata().getNamespace())) {
          if (TYPE.equals(s.getType()) && sa.getMetadata().getName().equals(annotation(s, NAME_ANNOTATION))) {
            enqueue(Keys.of(s));
          }
        }
      }
    });
    waitForSync(ctx.informers(), Secret.class);
    waitForSync(ctx.informers(), ServiceAccount.class);
  }

  @Override
  protected void reconcile(String key) {
    Secret secret = secrets.getByKey(key);
    if (secret == null || !TYPE.equals(secret.getType()) || secret.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    String account = annotation(secret, NAME_ANNOTATION);
    if (account == null) {
      return; // the API server refuses such a Secret; nothing of ours
    }
    ServiceAccount sa = accounts.getByKey(Keys.of(secret.getMetadata().getNamespace(), account));
    String uid = annotation(secret, UID_ANNOTATION);
    boolean orphan = sa == null || uid != null && !uid.isEmpty() && !uid.equals(sa.getMetadata().getUid());
    if (!orphan) {
      return;
    }
    try {
      writer.delete(secret, DeletionPropagation.BACKGROUND);
    } catch (RuntimeException e) {
      if (!ApiErrors.isNotFound(e)) {
        throw e;
      }
    }
  }

  private static String annotation(Secret s, String name) {
    Map<String, String> a = s.getMetadata().getAnnotations();
    return a == null ? null : a.get(name);
  }
}
