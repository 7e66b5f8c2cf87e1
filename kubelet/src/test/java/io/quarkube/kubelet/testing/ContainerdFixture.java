package io.quarkube.kubelet.testing;

import io.k8s.cri.runtime.v1.ListPodSandboxRequest;
import io.k8s.cri.runtime.v1.PodSandbox;
import io.k8s.cri.runtime.v1.RemovePodSandboxRequest;
import io.k8s.cri.runtime.v1.StopPodSandboxRequest;
import io.quarkube.kubelet.cri.CriClient;
import io.quarkube.testing.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real containerd (CRI, runc, CNI bridge) and a real local registry holding the project's images, started as child
 * processes for component tests, the same way {@code ./quarkube up} starts them (see its "The node" section; this is
 * the same configuration on free ports, a temporary folder, its own bridge and a /24 of 10.190.0.0/16).
 *
 * <p>{@link #shared()} is one per JVM, stopped by a shutdown hook that first removes every pod sandbox through the CRI
 * (so nothing is left in containerd, CNI or the network namespaces), then stops both processes.
 */
public final class ContainerdFixture {

  private static ContainerdFixture shared;

  private final Path dir;
  private final Path socket;
  private final String registry;
  private final String bridge;
  private final String podCidr;
  private final String nftTable;
  private final Process registryProcess;
  private final Process containerdProcess;
  private final CriClient cri;

  private ContainerdFixture(Path dir, Path socket, String registry, String bridge, String podCidr, String nftTable,
      Process registryProcess, Process containerdProcess, CriClient cri) {
    this.dir = dir;
    this.socket = socket;
    this.registry = registry;
    this.bridge = bridge;
    this.podCidr = podCidr;
    this.nftTable = nftTable;
    this.registryProcess = registryProcess;
    this.containerdProcess = containerdProcess;
    this.cri = cri;
  }

  public static synchronized ContainerdFixture shared() {
    if (shared == null) {
      shared = start();
      ContainerdFixture started = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "containerd-fixture-stop"));
    }
    return shared;
  }

  public Path socket() {
    return socket;
  }

  public CriClient cri() {
    return cri;
  }

  /** host:port of the local registry. */
  public String registry() {
    return registry;
  }

  /** The pause image in the local registry. */
  public String pauseImage() {
    return registry + "/quarkube/pause:1.0";
  }

  /** The busybox test image in the local registry (also served as docker.io/library/busybox). */
  public String busyboxImage() {
    return registry + "/library/busybox:latest";
  }

  public String podCidr() {
    return podCidr;
  }

  /** The cgroup root of this fixture's pods (removed by {@link #stop()}). */
  public String cgroupRoot() {
    return "/quarkube-test-" + bridge.substring("qkt-".length());
  }

  public Path dir() {
    return dir;
  }

  private static Path repo() {
    return Path.of(System.getProperty("quarkube.repo", "..")).toAbsolutePath().normalize();
  }

  private static ContainerdFixture start() {
    try {
      Path dir = Files.createTempDirectory("qk-ctd-");
      int registryPort = FreePorts.one();
      String registry = "127.0.0.1:" + registryPort;
      String id = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
      String bridge = "qkt-" + id;
      String podCidr = "10.190." + ThreadLocalRandom.current().nextInt(256) + ".0/24";
      String nftTable = "quarkube_test_" + id;
      Path socket = dir.resolve("containerd.sock");

      Process registryProcess = startRegistry(dir, registryPort);
      awaitRegistry(registry, registryProcess);
      pushImages(dir, registry);

      writeContainerdConfig(dir, socket, registry, bridge, podCidr);
      guardEgress(nftTable, podCidr, bridge);
      Process containerd = new ProcessBuilder("containerd", "--config=" + dir.resolve("config.toml"))
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("containerd.log").toFile())
          .start();
      CriClient cri = CriClient.connect(socket);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (true) {
        try {
          if (Files.exists(socket)) {
            cri.version();
            break;
          }
        } catch (RuntimeException notYet) {
          // containerd is still starting
        }
        if (!containerd.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException("containerd did not start; its log:\n"
              + Files.readString(dir.resolve("containerd.log")));
        }
        TimeUnit.MILLISECONDS.sleep(50); // poll interval within the deadline above
      }
      return new ContainerdFixture(dir, socket, registry, bridge, podCidr, nftTable, registryProcess, containerd, cri);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Process startRegistry(Path dir, int port) throws IOException {
    Path config = dir.resolve("registry.yml");
    Files.writeString(config, """
        version: 0.1
        log:
         level: warn
        storage:
         filesystem:
          rootdirectory: %s
        http:
         addr: 127.0.0.1:%d
        health:
         storagedriver:
          enabled: false
        """.formatted(dir.resolve("registry"), port));
    return new ProcessBuilder("docker-registry", "serve", config.toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("registry.log").toFile())
        .start();
  }

  private static void awaitRegistry(String registry, Process process) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create("http://" + registry + "/v2/"))
            .build(), HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("the registry did not start on " + registry);
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

  /** Builds the images with images/build.sh (as ./quarkube up does) and pushes them. */
  private static void pushImages(Path dir, String registry) throws IOException, InterruptedException {
    Path script = repo().resolve("images/build.sh");
    run(List.of(script.toString(), "build", "pause", dir.resolve("img-pause").toString()));
    run(List.of(script.toString(), "build", "busybox", dir.resolve("img-busybox").toString()));
    run(List.of(script.toString(), "push", dir.resolve("img-pause").toString(), registry + "/quarkube/pause:1.0"));
    run(List.of(script.toString(), "push", dir.resolve("img-busybox").toString(), registry + "/library/busybox:latest"));
  }

  private static void writeContainerdConfig(Path dir, Path socket, String registry, String bridge, String podCidr)
      throws IOException {
    Files.createDirectories(dir.resolve("net.d"));
    Files.createDirectories(dir.resolve("certs.d").resolve(registry));
    Files.createDirectories(dir.resolve("certs.d/docker.io"));
    Files.writeString(dir.resolve("config.toml"), """
        version = 2
        root = "%1$s/root"
        state = "%1$s/state"
        [grpc]
         address = "%2$s"
        [plugins]
         [plugins."io.containerd.internal.v1.opt"]
          path = "%1$s/opt"
         [plugins."io.containerd.grpc.v1.cri"]
          sandbox_image = "%3$s/quarkube/pause:1.0"
          stream_server_address = "127.0.0.1"
          stream_server_port = "0"
          enable_selinux = false
          disable_apparmor = true
          restrict_oom_score_adj = true
          max_container_log_line_size = 16384
          netns_mounts_under_state_dir = true
          [plugins."io.containerd.grpc.v1.cri".containerd]
           snapshotter = "overlayfs"
           default_runtime_name = "runc"
           [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
            runtime_type = "io.containerd.runc.v2"
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
             SystemdCgroup = false
             Root = "%1$s/runc-root"
          [plugins."io.containerd.grpc.v1.cri".cni]
           bin_dir = "/usr/lib/cni"
           conf_dir = "%1$s/net.d"
           max_conf_num = 1
          [plugins."io.containerd.grpc.v1.cri".registry]
           config_path = "%1$s/certs.d"
        """.formatted(dir, socket, registry));
    String hosts = """
        server = "http://%1$s"
        [host."http://%1$s"]
         capabilities = ["pull", "resolve", "push"]
         skip_verify = true
        """.formatted(registry);
    Files.writeString(dir.resolve("certs.d").resolve(registry).resolve("hosts.toml"), hosts);
    Files.writeString(dir.resolve("certs.d/docker.io/hosts.toml"), hosts);
    Files.writeString(dir.resolve("net.d/10-test.conflist"), """
        {
         "cniVersion": "1.0.0",
         "name": "quarkube-test",
         "plugins": [
          {
           "type": "bridge", "bridge": "%s", "isGateway": true, "ipMasq": false, "hairpinMode": true,
           "ipam": { "type": "host-local", "dataDir": "%s/ipam",
                "ranges": [[{ "subnet": "%s" }]], "routes": [{ "dst": "0.0.0.0/0" }] }
          },
          { "type": "portmap", "capabilities": { "portMappings": true } }
         ]
        }
        """.formatted(bridge, dir, podCidr));
  }

  /** Pods of the tests never reach past the bridge: the same nftables rule ./quarkube up installs. */
  private static void guardEgress(String table, String podCidr, String bridge) throws IOException, InterruptedException {
    Process nft = new ProcessBuilder("nft", "-f", "-").redirectErrorStream(true).start();
    nft.getOutputStream().write(("""
        table inet %1$s {
         chain forward {
          type filter hook forward priority -10; policy accept;
          ip saddr %2$s oifname != "%3$s" drop
         }
        }
        """.formatted(table, podCidr, bridge)).getBytes(StandardCharsets.UTF_8));
    nft.getOutputStream().close();
    String out = new String(nft.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (nft.waitFor() != 0) {
      throw new IllegalStateException("nft failed: " + out);
    }
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
    }
  }

  /** Removes every sandbox (containers, CNI, netns), stops containerd and the registry, deletes the folder. */
  public void stop() {
    try {
      for (PodSandbox sandbox : cri.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance())
          .getItemsList()) {
        cri.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(sandbox.getId()).build());
        cri.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(sandbox.getId())
            .build());
      }
    } catch (RuntimeException e) {
      System.err.println("containerd fixture: removing sandboxes failed: " + e);
    }
    cri.close();
    new io.quarkube.kubelet.cgroups.PodCgroups(cgroupRoot()).removeAll();
    for (Process process : List.of(containerdProcess, registryProcess)) {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      new ProcessBuilder("ip", "link", "delete", bridge).redirectErrorStream(true).start().waitFor();
      new ProcessBuilder("nft", "delete", "table", "inet", nftTable).redirectErrorStream(true).start().waitFor();
    } catch (IOException e) {
      System.err.println("containerd fixture: cleanup failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deleteQuietly(dir);
  }

  private static void deleteQuietly(Path dir) {
    List<Path> paths = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
    } catch (IOException e) {
      return;
    }
    for (Path path : paths) {
      try {
        Files.deleteIfExists(path);
      } catch (IOException ignored) {
        // a busy mount point stays; its parent folder then stays too
      }
    }
  }
}
