package io.quarkube.controllers.serviceaccount;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.quarkube.client.controller.Controller;
import io.quarkube.client.controller.Keys;
import io.quarkube.controllers.support.ApiErrors;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.ObjectWriter;
import java.util.Map;
import java.util.Objects;

/**
 * Publishes the cluster CA as the {@code kube-root-ca.crt} ConfigMap (key {@code ca.crt}) in every active namespace
 * and puts it back when someone edits or deletes it (upstream's {@code root-ca-cert-publisher}). The CA is the one
 * of the controller manager's kubeconfig, i.e. the one that signed the API server's serving certificate.
 */
public final class RootCaPublisher extends Controller<String> {
  public static final String NAME = "root-ca-cert-publisher";
  public static final String CONFIG_MAP = "kube-root-ca.crt";
  static final String DESCRIPTION = "Contains a CA bundle that can be used to verify the kube-apiserver when using"
      + " internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is"
      + " guaranteed across distributions of Kubernetes clusters.";

  private final Indexer<Namespace> namespaces;
  private final Indexer<ConfigMap> configMaps;
  private final ObjectWriter writer;
  private final String caPem;

  public RootCaPublisher(ControllerContext ctx) {
    super(NAME);
    this.namespaces = ctx.informers().indexer(Namespace.class);
    this.configMaps = ctx.informers().indexer(ConfigMap.class);
    this.writer = ctx.writer();
    this.caPem = Objects.requireNonNull(ctx.caCertificatePem(), "the kubeconfig names no cluster CA");
    ctx.informers().addEventHandler(Namespace.class, enqueueing((Namespace ns) -> ns.getMetadata().getName()));
    ctx.informers().addEventHandler(ConfigMap.class, enqueueing(
        (ConfigMap cm) -> CONFIG_MAP.equals(cm.getMetadata().getName()) ? cm.getMetadata().getNamespace() : null));
    waitForSync(ctx.informers(), Namespace.class);
    waitForSync(ctx.informers(), ConfigMap.class);
  }

  @Override
  protected void reconcile(String namespace) {
    if (!Namespaces.isActive(namespaces.getByKey(namespace))) {
      return;
    }
    Map<String, String> wanted = Map.of("ca.crt", caPem);
    ConfigMap current = configMaps.getByKey(Keys.of(namespace, CONFIG_MAP));
    try {
      if (current == null) {
        writer.create(new ConfigMapBuilder().withNewMetadata().withNamespace(namespace).withName(CONFIG_MAP)
            .addToAnnotations("kubernetes.io/description", DESCRIPTION).endMetadata().withData(wanted).build());
      } else if (!wanted.equals(current.getData()) || current.getBinaryData() != null
          && !current.getBinaryData().isEmpty()) {
        writer.update(new ConfigMapBuilder(current).withData(wanted).withBinaryData(null).build());
      }
    } catch (RuntimeException e) {
      if (!ApiErrors.isAlreadyExists(e) && !ApiErrors.isForbidden(e) && !ApiErrors.isNotFound(e)) {
        throw e;
      }
    }
  }
}
