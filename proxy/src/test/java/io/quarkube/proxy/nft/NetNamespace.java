package io.quarkube.proxy.nft;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A network namespace a test (or the benchmark) creates and removes: its own loopback, addresses and nftables
 * ruleset, so nothing of the host's is touched and no packet leaves it.
 */
public final class NetNamespace implements AutoCloseable {
  private final String name;
  private final List<Process> servers = new ArrayList<>();

  private NetNamespace(String name) {
    this.name = name;
  }

  /** Whether this machine lets us create one (root, ip and nft installed). */
  public static boolean available() {
    return (Files.isExecutable(Path.of("/usr/sbin/nft")) || Files.isExecutable(Path.of("/sbin/nft")))
        && Files.isExecutable(Path.of("/usr/bin/busybox")) && "root".equals(System.getProperty("user.name"));
  }

  public static NetNamespace create(String prefix) {
    NetNamespace ns = new NetNamespace(prefix + "-" + UUID.randomUUID().toString().substring(0, 8));
    ns.host("ip", "netns", "add", ns.name);
    ns.exec("ip", "link", "set", "lo", "up");
    return ns;
  }

  public String name() {
    return name;
  }

  public Nft nft() {
    return new Nft(List.of("ip", "netns", "exec", name, "nft"));
  }

  /** Runs a command inside the namespace; returns its output (stdout and stderr), failing on a non-zero exit. */
  public String exec(String... command) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
    cmd.addAll(List.of(command));
    return run(cmd, true);
  }

  /** Like {@link #exec} but returns the output whatever the exit code. */
  public String execAnyway(String... command) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
    cmd.addAll(List.of(command));
    return run(cmd, false);
  }

  private String host(String... command) {
    return run(List.of(command), true);
  }

  /** A TCP server in the namespace on {@code port} answering each connection with {@code word}. */
  public void server(int port, String word) {
    try {
      servers.add(new ProcessBuilder("ip", "netns", "exec", name, "busybox", "nc", "-ll", "-p", Integer.toString(port),
          "-e", "echo", word).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    // Ready once a connection to it answers.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (execAnyway("busybox", "nc", "-w", "1", "127.0.0.1", Integer.toString(port)).contains(word)) {
        return;
      }
    }
    throw new IllegalStateException("server on " + port + " did not come up");
  }

  /**
   * A long-running command in the namespace, stopped when the namespace is closed; returns once it printed a line
   * holding {@code readyLine} (its output is read as it comes), else fails with what it printed.
   */
  public void startAndAwait(String readyLine, Duration timeout, String... command) throws InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
    cmd.addAll(List.of(command));
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    servers.add(p);
    StringBuffer output = new StringBuffer();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader lines = p.inputReader()) {
        for (String line; (line = lines.readLine()) != null; ) {
          output.append(line).append('\n');
          if (line.contains(readyLine)) {
            ready.complete(null);
          }
        }
      } catch (IOException e) {
        // the process was stopped
      }
      ready.completeExceptionally(new IllegalStateException("exited"));
    }, "netns-output-" + name);
    reader.setDaemon(true);
    reader.start();
    try {
      ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("\"" + readyLine + "\" not printed within " + timeout + ":\n" + output, e);
    }
  }

  /** One TCP connection to {@code ip:port} from inside the namespace: what the server said, or nc's error. */
  public String connect(String ip, int port) {
    return execAnyway("busybox", "nc", "-w", "3", ip, Integer.toString(port)).strip();
  }

  private static String run(List<String> cmd, boolean check) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
          new java.io.File("/dev/null"))).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(cmd + " did not finish");
      }
      if (check && p.exitValue() != 0) {
        throw new IllegalStateException(cmd + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    for (Process p : servers) {
      p.destroy();
    }
    for (Process p : servers) {
      try {
        p.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      p.destroyForcibly();
    }
    run(List.of("ip", "netns", "del", name), false);
  }
}
