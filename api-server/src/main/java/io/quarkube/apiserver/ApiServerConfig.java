package io.quarkube.apiserver;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** The API server's own settings (Quarkus' HTTP/TLS settings live under {@code quarkus.http} and {@code quarkus.tls}). */
@ConfigMapping(prefix = "quarkube")
public interface ApiServerConfig {
  Etcd etcd();

  Authentication authentication();

  /** Where the CA and serving certificates live (written by {@code ./quarkube up}). */
  Optional<String> pkiDir();

  /**
   * The address clients should use, reported in {@code /api} and in the {@code default/kubernetes} endpoints;
   * by default this host's first non-loopback IPv4 address and the HTTPS port.
   */
  Optional<String> advertiseAddress();

  /** The range ClusterIPs come from; its first address is the {@code default/kubernetes} Service. */
  @WithDefault("10.96.0.0/12")
  String serviceClusterIpRange();

  interface Etcd {
    @WithDefault("http://127.0.0.1:2379")
    List<String> endpoints();

    /** How often etcd's history is compacted, as upstream's {@code --etcd-compaction-interval}; 0 turns it off. */
    @WithDefault("5m")
    java.time.Duration compactionInterval();
  }

  interface Authentication {
    /**
     * Treat requests without credentials as this user in group system:masters. Only for in-process tests that
     * serve plain HTTP; empty in every real deployment, where such requests get 401.
     */
    Optional<String> insecureTestUser();
  }
}
