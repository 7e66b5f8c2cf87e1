package io.quarkube.proxy.nft;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code nft -f -} with a script on stdin: nft applies a script as one transaction, so either all of it takes
 * effect or none. Only ever given scripts about the proxy's own table.
 */
public final class Nft {
  private final List<String> command;

  /** @param command the nft command, e.g. {@code nft}, or {@code ip netns exec <ns> nft} in tests */
  public Nft(List<String> command) {
    this.command = List.copyOf(command);
  }

  public void apply(String script) {
    run(script, "-f", "-");
  }

  /** {@code nft list table ip <table>}, or null when the table does not exist. */
  public String listTable(String table) {
    try {
      return run(null, "list", "table", "ip", table);
    } catch (NftException e) {
      return null;
    }
  }

  private String run(String stdin, String... args) {
    List<String> cmd = new java.util.ArrayList<>(command);
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> {
        try {
          return p.getInputStream().readAllBytes();
        } catch (IOException e) {
          return new byte[0];
        }
      });
      try (OutputStream in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new NftException(String.join(" ", cmd) + " did not finish within 60 s");
      }
      String out = new String(output.join(), StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new NftException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "): " + out.strip());
      }
      return out;
    } catch (IOException e) {
      throw new NftException("cannot run " + String.join(" ", cmd) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NftException("interrupted while running nft");
    }
  }

  public static final class NftException extends RuntimeException {
    public NftException(String message) {
      super(message);
    }
  }
}
