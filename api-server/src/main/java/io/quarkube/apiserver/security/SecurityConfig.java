package io.quarkube.apiserver.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/**
 * Settings of the security chain (authentication, authorization, admission, audit, encryption at rest). Paths not
 * given default to files under {@code quarkube.pki-dir} / {@code quarkube.state-dir}, which the launcher sets; with
 * neither (in-process tests) keys are kept in memory and audit/encryption are off unless configured.
 */
@ConfigMapping(prefix = "quarkube")
public interface SecurityConfig {
  Optional<String> pkiDir();

  Optional<String> stateDir();

  ServiceAccount serviceAccount();

  Authentication authentication();

  Admission admission();

  Audit audit();

  Encryption encryption();

  interface ServiceAccount {
    /** PEM private key that signs tokens; default {@code <pki-dir>/sa.key}, generated when absent. */
    Optional<String> keyFile();

    /** PEM public key(s) that verify tokens; default {@code <pki-dir>/sa.pub}. */
    Optional<String> publicKeyFile();

    /** The {@code iss} of tokens issued here, as upstream's default {@code --service-account-issuer}. */
    @WithDefault("https://kubernetes.default.svc.cluster.local")
    String issuer();

    /** The audiences the API server accepts; default: the issuer (upstream's {@code --api-audiences}). */
    Optional<List<String>> apiAudiences();

    /** Longest lifetime a TokenRequest may ask for, in seconds (upstream: unbounded unless set; here 48 h). */
    @WithDefault("172800")
    long maxTokenExpirationSeconds();
  }

  interface Authentication {
    /** Only for in-process tests over plain HTTP: requests without credentials act as this system:masters user. */
    Optional<String> insecureTestUser();

    /** CA bundle that client certificates must chain to; default {@code <pki-dir>/ca.crt}. */
    Optional<String> clientCaFile();

    /** Requests without credentials become system:anonymous (upstream's --anonymous-auth); off by default. */
    @WithDefault("false")
    boolean anonymous();
  }

  interface Admission {
    /** Plugins switched on beyond the defaults, e.g. AlwaysPullImages. */
    Optional<List<String>> enablePlugins();

    /** Default plugins switched off. */
    Optional<List<String>> disablePlugins();
  }

  interface Audit {
    /** Where audit events go as JSON lines; default {@code <state-dir>/logs/audit.log}; "-" switches it off. */
    Optional<String> logPath();

    /** An audit.k8s.io/v1 Policy file; default {@code <state-dir>/audit-policy.yaml}, written when absent. */
    Optional<String> policyFile();

    @WithDefault("100")
    int maxSizeMb();

    @WithDefault("5")
    int maxBackups();
  }

  interface Encryption {
    /** An apiserver.config.k8s.io/v1 EncryptionConfiguration; default {@code <state-dir>/encryption-config.yaml}. */
    Optional<String> configFile();
  }
}
