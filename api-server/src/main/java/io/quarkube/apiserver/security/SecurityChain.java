package io.quarkube.apiserver.security;

import io.quarkube.apiserver.admission.AdmissionChain;
import io.quarkube.apiserver.admission.AdmissionPlugin;
import io.quarkube.apiserver.admission.AdmissionReads;
import io.quarkube.apiserver.admission.AlwaysPullImages;
import io.quarkube.apiserver.admission.DefaultStorageClass;
import io.quarkube.apiserver.admission.DefaultTolerationSeconds;
import io.quarkube.apiserver.admission.LimitRanger;
import io.quarkube.apiserver.admission.NamespaceLifecycle;
import io.quarkube.apiserver.admission.NodeRestriction;
import io.quarkube.apiserver.admission.PodSecurityAdmission;
import io.quarkube.apiserver.admission.PriorityAdmission;
import io.quarkube.apiserver.admission.ResourceQuotaAdmission;
import io.quarkube.apiserver.admission.ServiceAccountAdmission;
import io.quarkube.apiserver.admission.policy.PolicySource;
import io.quarkube.apiserver.admission.policy.ValidatingAdmissionPolicyPlugin;
import io.quarkube.apiserver.admission.webhook.WebhookAdmission;
import io.quarkube.apiserver.admission.webhook.WebhookConfigurations;
import io.quarkube.apiserver.auth.AuthenticationChain;
import io.quarkube.apiserver.auth.Authenticator;
import io.quarkube.apiserver.auth.BootstrapTokens;
import io.quarkube.apiserver.auth.ClientCertificateAuthenticator;
import io.quarkube.apiserver.auth.ServiceAccountKeys;
import io.quarkube.apiserver.auth.ServiceAccountTokens;
import io.quarkube.apiserver.authz.ChainAuthorizer;
import io.quarkube.apiserver.authz.ClusterRoleAggregator;
import io.quarkube.apiserver.authz.Impersonation;
import io.quarkube.apiserver.authz.NodeAuthorizer;
import io.quarkube.apiserver.authz.NodeGraph;
import io.quarkube.apiserver.authz.RbacAuthorizer;
import io.quarkube.apiserver.authz.RbacCaches;
import io.quarkube.apiserver.authz.RbacEscalationGuard;
import io.quarkube.apiserver.authz.RbacRules;
import io.quarkube.apiserver.bootstrap.RbacBootstrap;
import io.quarkube.apiserver.certificates.CsrRequester;
import io.quarkube.apiserver.registry.Registry;
import io.quarkus.arc.Arc;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Builds the three stages of the request chain once per process — authentication (x509, service-account and
 * bootstrap tokens, impersonation), authorization (system:masters, Node, RBAC) and admission (upstream's default
 * plugins, in upstream's order) — from the configuration and the watch-fed caches they decide from.
 */
@Singleton
@io.quarkus.arc.Unremovable
public class SecurityChain {
  private static final Logger LOG = Logger.getLogger(SecurityChain.class);
  /**
   * Upstream's default plugins (as far as they exist here), mutating ones first, ResourceQuota last. The chain runs
   * each plugin once (upstream runs all mutations, then all validations), so the webhooks sit where upstream's
   * phases put them: mutating webhooks after the built-in mutations, validating webhooks after the checks.
   */
  static final List<String> DEFAULT_PLUGINS = List.of("CertificateSigningRequestRequester", "NamespaceLifecycle",
      "LimitRanger", "ServiceAccount",
      "NodeRestriction", "Priority", "DefaultTolerationSeconds", "DefaultStorageClass", "RuntimeClass",
      "MutatingAdmissionWebhook", "PodSecurity", "RBACEscalationPrevention", "ValidatingAdmissionPolicy",
      "ValidatingAdmissionWebhook", "ResourceQuota");
  static final List<String> ALL_PLUGINS = List.of("CertificateSigningRequestRequester", "NamespaceLifecycle",
      "LimitRanger", "ServiceAccount",
      "NodeRestriction", "Priority", "DefaultTolerationSeconds", "DefaultStorageClass", "AlwaysPullImages",
      "RuntimeClass", "MutatingAdmissionWebhook", "PodSecurity", "RBACEscalationPrevention",
      "ValidatingAdmissionPolicy", "ValidatingAdmissionWebhook", "ResourceQuota");

  private final ServiceAccountTokens serviceAccountTokens;
  private final RbacCaches rbacCaches;
  private final AdmissionReads admissionReads;
  private final RbacRules rbacRules;
  private final NodeGraph nodeGraph;
  private final ChainAuthorizer authorizer;
  private final AuthenticationChain authentication;
  private final AdmissionChain admission;
  private final RbacBootstrap bootstrap;
  private final ClusterRoleAggregator aggregator;
  private final WebhookConfigurations mutatingWebhooks;
  private final WebhookConfigurations validatingWebhooks;
  private final PolicySource admissionPolicies;
  private ValidatingAdmissionPolicyPlugin admissionPolicyPlugin;
  private volatile boolean ready;

  public SecurityChain(Registry registry, SecurityConfig config, Clock clock, RbacBootstrap bootstrap) {
    this.bootstrap = bootstrap;
    ServiceAccountKeys keys = keys(config);
    List<String> audiences = config.serviceAccount().apiAudiences().filter(l -> !l.isEmpty())
        .orElse(List.of(config.serviceAccount().issuer()));
    serviceAccountTokens = new ServiceAccountTokens(keys, config.serviceAccount().issuer(), audiences, registry,
        clock);
    rbacCaches = new RbacCaches(registry);
    aggregator = new ClusterRoleAggregator(rbacCaches.clusterRoles(),
        registry.store("rbac.authorization.k8s.io", "v1", "clusterroles").orElseThrow()).start();
    rbacCaches.start();
    rbacRules = new RbacRules(rbacCaches);
    nodeGraph = new NodeGraph(registry).start();
    authorizer = new ChainAuthorizer(List.of(new NodeAuthorizer(nodeGraph), new RbacAuthorizer(rbacRules)),
        this::awaitReady);
    authentication = new AuthenticationChain(clientCertificates(config),
        List.of(serviceAccountTokens, new BootstrapTokens(registry, clock)), audiences,
        config.authentication().anonymous(), config.authentication().insecureTestUser(),
        new Impersonation(authorizer));
    mutatingWebhooks = WebhookConfigurations.mutating(registry).start();
    validatingWebhooks = WebhookConfigurations.validating(registry).start();
    admissionPolicies = new PolicySource(registry).start();
    admissionReads = AdmissionReads.start(registry);
    admission = new AdmissionChain(plugins(config, registry, clock));
    LOG.infof("authentication: x509, service-account tokens (issuer %s), bootstrap tokens%s; authorization: "
        + "Node,RBAC", config.serviceAccount().issuer(), config.authentication().anonymous() ? ", anonymous" : "");
  }

  /** The bean, for code that is not a CDI bean itself (ApiRoutes builds its chain from it). */
  public static SecurityChain current() {
    return Arc.container().instance(SecurityChain.class).get();
  }

  public List<Authenticator> authenticators() {
    return List.of(authentication);
  }

  public AuthenticationChain authentication() {
    return authentication;
  }

  public ChainAuthorizer authorizer() {
    return authorizer;
  }

  public AdmissionChain admission() {
    return admission;
  }

  public RbacRules rbacRules() {
    return rbacRules;
  }

  public ServiceAccountTokens serviceAccountTokens() {
    return serviceAccountTokens;
  }

  @PreDestroy
  void stop() {
    rbacCaches.stop();
    nodeGraph.stop();
    aggregator.stop();
    mutatingWebhooks.stop();
    validatingWebhooks.stop();
    admissionPolicies.stop();
    if (admissionPolicyPlugin != null) {
      admissionPolicyPlugin.stop();
    }
    admissionReads.stop();
  }

  /**
   * Whether the authorizer's caches (RBAC, node graph), the webhook configurations and the admission policies hold
   * their first list.
   */
  public boolean cachesSynced() {
    return rbacCaches.awaitSynced(Duration.ZERO) && nodeGraph.awaitSynced(Duration.ZERO)
        && mutatingWebhooks.awaitSynced(Duration.ZERO) && validatingWebhooks.awaitSynced(Duration.ZERO)
        && admissionPolicies.awaitSynced(Duration.ZERO);
  }

  /** Fail closed until the default roles exist and the caches hold them (at most 30 s per request). */
  private boolean awaitReady() {
    if (ready) {
      return true;
    }
    Duration wait = Duration.ofSeconds(30);
    ready = bootstrap.awaitDone(wait) && rbacCaches.awaitSynced(wait) && nodeGraph.awaitSynced(wait);
    return ready;
  }

  private List<AdmissionPlugin> plugins(SecurityConfig config, Registry registry, Clock clock) {
    Set<String> enabled = new LinkedHashSet<>(DEFAULT_PLUGINS);
    config.admission().enablePlugins().ifPresent(enabled::addAll);
    config.admission().disablePlugins().ifPresent(enabled::removeAll);
    for (String name : enabled) {
      if (!ALL_PLUGINS.contains(name)) {
        throw new IllegalArgumentException("unknown admission plugin " + name + "; known: " + ALL_PLUGINS);
      }
    }
    List<AdmissionPlugin> out = new ArrayList<>();
    for (String name : ALL_PLUGINS) {
      if (!enabled.contains(name)) {
        continue;
      }
      out.add(switch (name) {
        case "CertificateSigningRequestRequester" -> new CsrRequester();
        case "NamespaceLifecycle" -> new NamespaceLifecycle(admissionReads.namespaces());
        case "LimitRanger" -> new LimitRanger(registry, admissionReads.limitRanges());
        case "ServiceAccount" -> new ServiceAccountAdmission(registry, admissionReads.serviceAccounts());
        case "NodeRestriction" -> new NodeRestriction(registry);
        case "Priority" -> new PriorityAdmission(registry, admissionReads.priorityClasses());
        case "DefaultTolerationSeconds" -> new DefaultTolerationSeconds();
        case "DefaultStorageClass" -> new DefaultStorageClass(registry);
        case "AlwaysPullImages" -> new AlwaysPullImages();
        case "RuntimeClass" -> new io.quarkube.apiserver.admission.RuntimeClassAdmission(
            admissionReads.runtimeClasses());
        case "PodSecurity" -> new PodSecurityAdmission(registry, admissionReads.namespaces());
        case "RBACEscalationPrevention" -> new RbacEscalationGuard(authorizer, rbacRules, registry);
        case "ResourceQuota" -> new ResourceQuotaAdmission(registry, clock, admissionReads.resourceQuotas());
        case "MutatingAdmissionWebhook" -> WebhookAdmission.mutating(mutatingWebhooks, registry);
        case "ValidatingAdmissionWebhook" -> WebhookAdmission.validating(validatingWebhooks, registry);
        case "ValidatingAdmissionPolicy" -> admissionPolicyPlugin = ValidatingAdmissionPolicyPlugin.create(
            admissionPolicies, registry, admissionReads.namespaces());
        default -> throw new IllegalStateException(name);
      });
    }
    return out;
  }

  /** Verifies client certificates against {@code quarkube.authentication.client-ca-file} or the cluster CA. */
  private static ClientCertificateAuthenticator clientCertificates(SecurityConfig config) {
    Optional<String> ca = config.authentication().clientCaFile()
        .or(() -> config.pkiDir().map(d -> d + "/ca.crt"));
    if (ca.isEmpty() || !Files.exists(Path.of(ca.get()))) {
      return new ClientCertificateAuthenticator();
    }
    return new ClientCertificateAuthenticator(ClientCertificateAuthenticator.anchorsFrom(Path.of(ca.get())));
  }

  private static ServiceAccountKeys keys(SecurityConfig config) {
    var sa = config.serviceAccount();
    if (sa.keyFile().isEmpty() && config.pkiDir().isEmpty()) {
      LOG.info("no quarkube.pki-dir: service-account tokens are signed with an in-memory key");
      return ServiceAccountKeys.generated();
    }
    Path key = Path.of(sa.keyFile().orElseGet(() -> config.pkiDir().get() + "/sa.key"));
    Path pub = Path.of(sa.publicKeyFile().orElseGet(() -> key.resolveSibling("sa.pub").toString()));
    return ServiceAccountKeys.load(key, pub);
  }
}
