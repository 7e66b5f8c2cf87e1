package io.quarkube.kubelet.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The kubelet's settings ({@code quarkube.kubelet.*}); {@code ./quarkube up} passes the node's paths and ports as system
 * properties. The health/metrics port is Quarkus' own {@code quarkus.http.port} (upstream's 10248).
 */
@ConfigMapping(prefix = "quarkube.kubelet")
public interface KubeletConfig {
  /** The Node's name; default: the host name in lower case (the launcher's kubelet certificate is made for it). */
  Optional<String> nodeName();

  /** containerd's CRI socket. The launcher's own containerd, never the system one. */
  @WithDefault(".quarkube/containerd.sock")
  String containerdSocket();

  /** Parent of this node's cgroups: pods go under {@code <root>/kubepods/<qos>/pod<uid>} (cgroupfs driver). */
  @WithDefault("/quarkube")
  String cgroupRoot();

  /** host:port of the local registry; images named after it are always allowed to be pulled. */
  Optional<String> registry();

  /**
   * Pull from registries other than docker.io (served by the local registry) and {@link #registry()}. Off: nothing is
   * ever pulled from outside this machine.
   */
  @WithDefault("false")
  boolean allowRemoteRegistries();

  /** The pod IP range of the node's CNI bridge (reported as the Node's podCIDR). */
  Optional<String> podCidr();

  /** Pod volumes and container logs live here. */
  @WithDefault(".quarkube/kubelet")
  String rootDir();

  /** The kubelet's HTTPS API port (logs, exec, attach, port-forward), reported in the Node's daemonEndpoints. */
  @WithDefault("10250")
  int port();

  /** How often the runtime is relisted (containerd 1.6 has no container events). */
  @WithDefault("1s")
  Duration relistPeriod();

  /** How often the Node's status is compared with what was last written (written when it differs). */
  @WithDefault("10s")
  Duration nodeStatusUpdatePeriod();

  /** How often the status is written even when nothing changed. */
  @WithDefault("1m")
  Duration nodeStatusReportPeriod();

  /** The Lease's duration; it is renewed every quarter of it (10 s for 40 s, as upstream). */
  @WithDefault("40s")
  Duration leaseDuration();

  @WithDefault("110")
  int maxPods();

  /** Threads that sync pods (each pod is synced by one thread at a time). */
  @WithDefault("4")
  int podWorkers();

  /** The cluster DNS servers given to pods with dnsPolicy ClusterFirst (none: the host's resolv.conf). */
  Optional<List<String>> clusterDns();

  @WithDefault("cluster.local")
  String clusterDomain();

  /**
   * Upstream's {@code --pod-manifest-path}: a folder of static pod manifests (run without the API server, shown there
   * as mirror pods). Default: {@code <root-dir>/manifests}.
   */
  Optional<String> podManifestPath();
}
