package io.quarkube.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs stock kubectl against the cluster under test and captures what it prints. */
public final class Kubectl {
  private final String binary;
  private final String version;

  private Kubectl(String binary, String version) {
    this.binary = binary;
    this.version = version;
  }

  /** The machine's kubectl: a dispatcher that picks kubectl.1.NN by the server's minor version. */
  public static Kubectl stock() {
    return new Kubectl("kubectl", "stock");
  }

  /** One of the versioned binaries that ship beside the real path of kubectl, e.g. {@code "1.27"}. */
  public static Kubectl version(String minor) {
    return new Kubectl(versionedBinary(minor).toString(), minor);
  }

  public static Path versionedBinary(String version) {
    return realPath().resolveSibling("kubectl." + version);
  }

  /** Where the {@code kubectl} on PATH really is (it is a symlink to the dispatcher beside the versioned ones). */
  public static Path realPath() {
    try {
      return Path.of(which("kubectl")).toRealPath();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** "stock" for the dispatcher, else the version, e.g. "1.27". */
  public String version() {
    return version;
  }

  @Override
  public String toString() {
    return "kubectl " + version;
  }

  private static String which(String name) {
    for (String dir : System.getenv("PATH").split(":")) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new IllegalStateException(name + " is not on PATH");
  }

  public Result run(String... args) {
    return runWithInput(null, args);
  }

  /** Runs kubectl with {@code stdin} (may be null) and waits at most two minutes. */
  public Result runWithInput(String stdin, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(binary);
    cmd.add("--kubeconfig");
    cmd.add(Cluster.kubeconfig().toString());
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).start();
      CompletableFuture<String> out = readAsync(p.getInputStream());
      CompletableFuture<String> err = readAsync(p.getErrorStream());
      try (OutputStream in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish in 2 minutes");
      }
      return new Result(String.join(" ", args), p.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Starts kubectl in the background (for {@code get -w}); the caller reads and destroys it. */
  public Process start(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(binary);
    cmd.add("--kubeconfig");
    cmd.add(Cluster.kubeconfig().toString());
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  private static CompletableFuture<String> readAsync(InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        in.transferTo(buf);
        return buf.toString(StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "";
      }
    });
  }

  /** What one kubectl run did. */
  public record Result(String command, int exitCode, String out, String err) {
    public Result ok() {
      if (exitCode != 0) {
        throw new AssertionError("kubectl " + command + " exited " + exitCode + "\nstdout:\n" + out + "\nstderr:\n"
            + err);
      }
      return this;
    }

    public Result fails() {
      if (exitCode == 0) {
        throw new AssertionError("kubectl " + command + " should have failed\nstdout:\n" + out);
      }
      return this;
    }
  }
}
