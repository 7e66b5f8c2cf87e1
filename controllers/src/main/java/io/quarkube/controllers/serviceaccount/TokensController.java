package io.quarkube.controllers.serviceaccount;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.quarkube.client.controller.Controller;
import io.quarkube.client.controller.Keys;
import io.quarkube.controllers.support.ApiErrors;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.ObjectWriter;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Upstream's {@code serviceaccount-token} controller ({@code tokens_controller.go}) for the legacy token Secrets
 * that people still create by hand ({@code type: kubernetes.io/service-account-token}, annotation
 * {@code kubernetes.io/service-account.name}; since 1.24 none are made automatically):
 * <ul>
 *   <li>a Secret whose ServiceAccount exists gets what is missing of {@code token} (a non-expiring JWT,
 *       {@link LegacyTokenGenerator}), {@code ca.crt} (the cluster CA, replaced when it differs) and
 *       {@code namespace}, and the annotation {@code kubernetes.io/service-account.uid};</li>
 *   <li>a Secret whose ServiceAccount is gone, or was recreated (its uid no longer the one the Secret names), is
 *       deleted, so its token stops existing as well as stops working.</li>
 * </ul>
 * Keys are Secret keys; a deleted account enqueues the token Secrets of its namespace that name it. Without a
 * signing key ({@code generator} null) only the clean-up runs.
 */
public final class TokensController extends Controller<String> {
  public static final String NAME = "serviceaccount-token";
  static final String TYPE = "kubernetes.io/service-account-token";
  static final String NAME_ANNOTATION = "kubernetes.io/service-account.name";
  static final String UID_ANNOTATION = "kubernetes.io/service-account.uid";
  static final String TOKEN_KEY = "token";
  static final String CA_KEY = "ca.crt";
  static final String NAMESPACE_KEY = "namespace";

  private final Indexer<Secret> secrets;
  private final Indexer<ServiceAccount> accounts;
  private final ObjectWriter writer;
  private final LegacyTokenGenerator generator;
  private final byte[] rootCa;
  /** A live GET of an account (null when missing), for when the cache does not have it (yet). */
  private final BiFunction<String, String, ServiceAccount> liveAccount;

  public TokensController(ControllerContext ctx, LegacyTokenGenerator generator) {
    super(NAME);
    this.secrets = ctx.informers().indexer(Secret.class);
    this.accounts = ctx.informers().indexer(ServiceAccount.class);
    this.writer = ctx.writer();
    this.generator = generator;
    this.rootCa = ctx.caCertificatePem() == null ? new byte[0]
        : ctx.caCertificatePem().getBytes(StandardCharsets.UTF_8);
    this.liveAccount = liveLookup(ctx.client());
    ctx.informers().addEventHandler(Secret.class, enqueueing((Secret s) -> TYPE.equals(s.getType()) ? Keys.of(s)
        : null));
    ctx.informers().addEventHandler(ServiceAccount.class, new ResourceEventHandler<ServiceAccount>() {
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

  private static BiFunction<String, String, ServiceAccount> liveLookup(KubernetesClient client) {
    if (client == null) {
      return (ns, name) -> null; // unit tests: the caches are the truth
    }
    return (ns, name) -> client.serviceAccounts().inNamespace(ns).withName(name).get();
  }

  @Override
  protected void reconcile(String key) {
    Secret secret = secrets.getByKey(key);
    if (secret == null || !TYPE.equals(secret.getType()) || secret.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    String accountName = annotation(secret, NAME_ANNOTATION);
    if (accountName == null) {
      return; // the API server refuses such a Secret; nothing of ours
    }
    ServiceAccount sa = account(secret.getMetadata().getNamespace(), accountName, annotation(secret, UID_ANNOTATION));
    try {
      if (sa == null) {
        writer.delete(secret, DeletionPropagation.BACKGROUND);
      } else if (generator != null) {
        fillIn(secret, sa);
      }
    } catch (RuntimeException e) {
      // Gone meanwhile: nothing to do. A conflict (the Secret changed since our cache saw it) is retried.
      if (!ApiErrors.isNotFound(e)) {
        throw e;
      }
    }
  }

  /**
   * The account the Secret names, with the uid it names (if any). A miss in the cache is checked with a live GET
   * before the Secret is deleted, as upstream does: an account made just before its Secret may not be cached yet.
   */
  private ServiceAccount account(String ns, String name, String uid) {
    ServiceAccount cached = accounts.getByKey(Keys.of(ns, name));
    if (cached != null && uidMatches(cached, uid)) {
      return cached;
    }
    ServiceAccount live = liveAccount.apply(ns, name);
    return live != null && uidMatches(live, uid) ? live : null;
  }

  private static boolean uidMatches(ServiceAccount sa, String uid) {
    return uid == null || uid.isEmpty() || uid.equals(sa.getMetadata().getUid());
  }

  /** Writes what the Secret lacks; nothing when it has it all (as upstream, the annotations ride along only then). */
  private void fillIn(Secret secret, ServiceAccount sa) {
    Map<String, String> data = secret.getData() == null ? new LinkedHashMap<>()
        : new LinkedHashMap<>(secret.getData());
    boolean needsCa = rootCa.length > 0 && !java.util.Arrays.equals(decoded(data.get(CA_KEY)), rootCa);
    boolean needsNamespace = decoded(data.get(NAMESPACE_KEY)).length == 0;
    boolean needsToken = decoded(data.get(TOKEN_KEY)).length == 0;
    if (!needsCa && !needsNamespace && !needsToken) {
      return;
    }
    Base64.Encoder b64 = Base64.getEncoder();
    if (needsCa) {
      data.put(CA_KEY, b64.encodeToString(rootCa));
    }
    if (needsNamespace) {
      data.put(NAMESPACE_KEY, b64.encodeToString(secret.getMetadata().getNamespace()
          .getBytes(StandardCharsets.UTF_8)));
    }
    if (needsToken) {
      data.put(TOKEN_KEY, b64.encodeToString(generator.generate(sa, secret.getMetadata().getName())
          .getBytes(StandardCharsets.UTF_8)));
    }
    // The cached copy's resourceVersion goes along: if the Secret changed meanwhile the update fails (409) and the
    // newer version is looked at again, so a token someone just put there is never overwritten.
    writer.update(new SecretBuilder(secret).withData(data).editMetadata()
        .addToAnnotations(NAME_ANNOTATION, sa.getMetadata().getName())
        .addToAnnotations(UID_ANNOTATION, sa.getMetadata().getUid()).endMetadata().build());
  }

  private static byte[] decoded(String base64) {
    if (base64 == null || base64.isEmpty()) {
      return new byte[0];
    }
    try {
      return Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      return new byte[0];
    }
  }

  private static String annotation(Secret s, String name) {
    Map<String, String> a = s.getMetadata().getAnnotations();
    return a == null ? null : a.get(name);
  }
}
