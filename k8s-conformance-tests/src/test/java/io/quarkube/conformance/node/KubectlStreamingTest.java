package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.KubectlVersions;
import io.quarkube.conformance.TestNamespace;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * Stock kubectl streaming from real containers through the API server and the kubelet: logs (plain, --tail,
 * --timestamps, --limit-bytes, -f, --previous), exec (output, exit code, stdin), attach, port-forward and cp.
 * Pods are bound to the node directly (spec.nodeName), so no scheduler is needed.
 */
@ExtendWith(TestNamespace.class)
class KubectlStreamingTest {
  private static final Duration START = Duration.ofSeconds(60);

  private static void run(String ns, String name, String... command) {
    run(ns, name, false, command);
  }

  private static void run(String ns, String name, boolean stdin, String... command) {
    Pod pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata().withNewSpec()
        .withNodeName(RealNode.name()).withTerminationGracePeriodSeconds(1L)
        .addNewContainer().withName("main").withImage("busybox").withStdin(stdin).withCommand(command)
        .endContainer().endSpec().build();
    RealNode.client().resource(pod).create();
    RealNode.awaitPhase(ns, name, "Running", START);
  }

  /** The local port of kubectl port-forward's "Forwarding from 127.0.0.1:N -> remote" line (IPv6 lines skipped). */
  private static int forwardedPort(BufferedReader out, int remote) throws java.io.IOException {
    String prefix = "Forwarding from 127.0.0.1:";
    String suffix = " -> " + remote;
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      if (line.startsWith(prefix) && line.endsWith(suffix)) {
        return Integer.parseInt(line.substring(prefix.length(), line.length() - suffix.length()));
      }
    }
    throw new AssertionError("kubectl port-forward ended without forwarding port " + remote);
  }

  private static Kubectl k() {
    return Kubectl.stock();
  }

  @Conformance("node.logs")
  @Test
  void logsWithTailTimestampsLimitAndFollow(String ns) throws Exception {
    run(ns, "counter", "sh", "-c", "i=0; while true; do echo line $i; i=$((i+1)); sleep 0.2; done");
    Await.until(Duration.ofSeconds(20), "five log lines", () ->
        k().run("logs", "counter", "-n", ns).out().contains("line 4\n"));

    String all = k().run("logs", "counter", "-n", ns).ok().out();
    assertTrue(all.startsWith("line 0\nline 1\n"), all);

    String tail = k().run("logs", "counter", "-n", ns, "--tail=2").ok().out();
    assertEquals(2, tail.lines().count(), tail);

    String stamped = k().run("logs", "counter", "-n", ns, "--tail=1", "--timestamps").ok().out();
    assertTrue(stamped.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d[.\\d]*Z line \\d+\n"), stamped);

    assertEquals("line 0\nlin", k().run("logs", "counter", "-n", ns, "--limit-bytes=10").ok().out());

    // -f keeps the stream open and shows lines written after it started.
    Process follow = k().start("logs", "-f", "counter", "-n", ns, "--tail=1");
    try {
      List<String> seen = Collections.synchronizedList(new ArrayList<>());
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(follow.getInputStream(),
            StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            seen.add(line);
          }
        } catch (Exception e) {
          // the process was destroyed
        }
      });
      reader.setDaemon(true);
      reader.start();
      Await.until(Duration.ofSeconds(20), "followed log grows", () -> seen.size() >= 4);
      assertTrue(follow.isAlive(), "kubectl logs -f is still streaming");
    } finally {
      follow.destroy();
      follow.waitFor(10, TimeUnit.SECONDS);
    }

    Kubectl.Result none = k().run("logs", "counter", "-n", ns, "--previous").fails();
    assertTrue(none.err().contains("previous terminated container \"main\" in pod \"counter\" not found"),
        none.err());
    Kubectl.Result bad = k().run("logs", "counter", "-n", ns, "-c", "nope").fails();
    assertTrue(bad.err().contains("container nope is not valid for pod counter"), bad.err());
  }

  @Conformance("node.logs")
  @Test
  void logsFollowEndsWithTheContainerAndPreviousShowsTheLastRun(String ns) {
    run(ns, "crasher", "sh", "-c", "echo run; sleep 3; exit 1");
    // -f on a container that exits: the stream ends by itself.
    Kubectl.Result followed = k().run("logs", "-f", "crasher", "-n", ns);
    assertTrue(followed.out().contains("run"), followed.out());
    Await.until(Duration.ofSeconds(60), "the container restarted", () -> {
      Pod p = RealNode.pod(ns, "crasher");
      return p.getStatus().getContainerStatuses().get(0).getRestartCount() >= 1;
    });
    assertEquals("run\n", k().run("logs", "crasher", "-n", ns, "--previous").ok().out());
  }

  @Conformance("node.exec-websocket")
  @Test
  void execPrintsOutputAndPropagatesTheExitCode(String ns) {
    run(ns, "shell", "sleep", "3600");
    Kubectl.Result r = k().run("exec", "shell", "-n", ns, "--", "sh", "-c", "echo hi; echo oops >&2; exit 3");
    assertEquals(3, r.exitCode(), r.toString());
    assertEquals("hi\n", r.out());
    assertTrue(r.err().contains("oops"), r.err());

    assertEquals("ok\n", k().run("exec", "shell", "-n", ns, "--", "echo", "ok").ok().out());
    Kubectl.Result missing = k().run("exec", "shell", "-n", ns, "-c", "nope", "--", "true").fails();
    assertTrue(missing.err().contains("container nope is not valid for pod shell"), missing.err());
  }

  @Conformance("node.exec-websocket")
  @Test
  void execWithStdin(String ns) {
    run(ns, "reader", "sleep", "3600");
    assertEquals("abc\ndef\n", k().runWithInput("abc\ndef\n", "exec", "-i", "reader", "-n", ns, "--", "cat").ok()
        .out());
    Kubectl.Result counted = k().runWithInput("a\nb\nc\n", "exec", "-i", "reader", "-n", ns, "--", "sh", "-c",
        "wc -l; exit 5");
    assertEquals(5, counted.exitCode(), counted.toString());
    assertEquals("3", counted.out().trim());
    // More than one WebSocket message and more than SPDY's initial window.
    String big = "0123456789abcdef".repeat(20_000);
    assertEquals(Integer.toString(big.length()), k().runWithInput(big, "exec", "-i", "reader", "-n", ns, "--",
        "wc", "-c").ok().out().trim());
  }

  @Conformance("node.attach")
  @Test
  void attachSeesOutputAndSendsStdin(String ns) throws Exception {
    run(ns, "echoer", true, "sh", "-c", "while read l; do echo got:$l; done");
    Process attach = k().start("attach", "-i", "echoer", "-n", ns);
    try {
      List<String> seen = Collections.synchronizedList(new ArrayList<>());
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(attach.getInputStream(),
            StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            seen.add(line);
          }
        } catch (Exception e) {
          // destroyed
        }
      });
      reader.setDaemon(true);
      reader.start();
      // Lines sent before the attach is established are lost; keep sending until one comes back.
      Await.until(Duration.ofSeconds(30), "an echoed line", () -> {
        try {
          attach.getOutputStream().write("ping\n".getBytes(StandardCharsets.UTF_8));
          attach.getOutputStream().flush();
        } catch (Exception e) {
          return false;
        }
        return seen.contains("got:ping");
      });
    } finally {
      attach.destroy();
      attach.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Conformance("cli.port-forward")
  @Test
  void portForwardReachesThePod(String ns) throws Exception {
    run(ns, "web", "sh", "-c", "mkdir -p /w && echo hello-pf > /w/index.html && httpd -f -p 8080 -h /w");
    Process pf = k().start("port-forward", "-n", ns, "pod/web", ":8080");
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(pf.getInputStream(), StandardCharsets.UTF_8));
      int port = forwardedPort(out, 8080);
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      for (int i = 0; i < 3; i++) { // each request is a new stream on the same forward
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals("hello-pf\n", r.body());
      }
    } finally {
      pf.destroy();
      pf.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Conformance("cli.kubectl-versions")
  @ParameterizedTest(name = "{0}")
  @KubectlVersions
  void execAndPortForwardWorkWithEveryKubectl(Kubectl kubectl, String ns) throws Exception {
    // kubectl up to 1.29 speaks SPDY (a POST upgrade), later ones WebSockets with SPDY as the fallback.
    run(ns, "streams", "sh", "-c", "mkdir -p /w && echo hello-pf > /w/index.html && httpd -f -p 8080 -h /w");
    Kubectl.Result r = kubectl.run("exec", "streams", "-n", ns, "--", "sh", "-c", "echo out; echo err >&2; exit 3");
    assertEquals(3, r.exitCode(), r.toString());
    assertEquals("out\n", r.out(), r.toString());
    assertTrue(r.err().contains("err") && r.err().contains("command terminated with exit code 3"), r.toString());
    assertEquals("100000", kubectl.runWithInput("x".repeat(100_000), "exec", "-i", "streams", "-n", ns, "--", "wc",
        "-c").ok().out().trim());

    Process pf = kubectl.start("port-forward", "-n", ns, "pod/streams", ":8080");
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(pf.getInputStream(), StandardCharsets.UTF_8));
      int port = forwardedPort(out, 8080);
      HttpResponse<String> get = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals("hello-pf\n", get.body());
    } finally {
      pf.destroy();
      pf.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Conformance("node.ephemeral-containers")
  @Test
  void debugRunsAnEphemeralContainerBesideTheTarget(String ns) throws Exception {
    run(ns, "target", "sleep", "3600");
    // Non-interactive, in the target's PID namespace: it sees the target's process.
    k().run("debug", "target", "-n", ns, "--image=busybox", "--container=dbg", "--target=main", "--", "sh", "-c",
        "ps; echo hello-from-debug").ok();
    Await.until(Duration.ofSeconds(60), "the ephemeral container ran to completion", () -> {
      Pod p = RealNode.client().pods().inNamespace(ns).withName("target").get();
      return p.getStatus().getEphemeralContainerStatuses() != null && p.getStatus().getEphemeralContainerStatuses()
          .stream().anyMatch(c -> c.getName().equals("dbg") && c.getState().getTerminated() != null
              && c.getState().getTerminated().getExitCode() == 0);
    });
    String logs = k().run("logs", "target", "-n", ns, "-c", "dbg").ok().out();
    assertTrue(logs.contains("sleep 3600") && logs.contains("hello-from-debug"), logs);

    // Interactive: kubectl attaches to it once it runs and sends it its input. (What the shell prints can reach the
    // container's log before containerd has joined the attach's stdout to it, as with any runtime: the log is checked.)
    k().runWithInput("echo interactive-ok; exit 0\n", "debug", "-i", "target", "-n", ns, "--image=busybox",
        "--container=shell", "--", "sh").ok();
    Await.until(Duration.ofSeconds(30), "the shell ran what it was sent",
        () -> k().run("logs", "target", "-n", ns, "-c", "shell").out().contains("interactive-ok"));

    // What the API server refuses, as upstream: a target that is not a container of the pod.
    Kubectl.Result bad = k().run("debug", "target", "-n", ns, "--image=busybox", "--container=x", "--target=nope",
        "--", "true").fails();
    assertTrue(bad.err().contains("spec.ephemeralContainers[2].targetContainerName: Not found: \"nope\""),
        bad.toString());
    // Ephemeral containers are part of the pod for good: an update of the pod itself keeps them. (The edit carries
    // the resourceVersion it read: the kubelet's status writes may beat it, a 409 as upstream; read and try again.)
    for (int attempt = 0; ; attempt++) {
      try {
        RealNode.client().pods().inNamespace(ns).withName("target").edit(p -> {
          p.getSpec().setEphemeralContainers(null);
          return p;
        });
        break;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 5) {
          throw e;
        }
      }
    }
    assertEquals(2, RealNode.client().pods().inNamespace(ns).withName("target").get().getSpec()
        .getEphemeralContainers().size());
  }

  @Conformance("cli.port-forward")
  @Test
  void portForwardCarriesMegabytesBothWays(String ns) throws Exception {
    // Containerd's side and the client's each wait for the other (flow control): a download and an upload larger
    // than any buffer on the way arrive whole.
    run(ns, "bulk", "sh", "-c", "mkdir -p /w && head -c 6000000 /dev/urandom > /w/big && httpd -p 8080 -h /w"
        + " && nc -ll -p 9090 -e sh -c 'head -c 5000000 | wc -c'");
    Process pf = k().start("port-forward", "-n", ns, "pod/bulk", ":8080", ":9090");
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(pf.getInputStream(), StandardCharsets.UTF_8));
      int web = forwardedPort(out, 8080);
      int sink = forwardedPort(out, 9090);

      HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + web + "/big")).timeout(Duration.ofSeconds(60)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, r.statusCode());
      String md5 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(r.body()));
      assertEquals(md5 + "  /w/big\n", k().run("exec", "-n", ns, "bulk", "--", "md5sum", "/w/big").ok().out());

      try (java.net.Socket s = new java.net.Socket("127.0.0.1", sink)) {
        s.setSoTimeout(60_000);
        s.getOutputStream().write(new byte[5_000_000]);
        s.getOutputStream().flush();
        String reply = new String(s.getInputStream().readNBytes(8), StandardCharsets.UTF_8);
        assertEquals("5000000\n", reply, "what the pod received");
      }
    } finally {
      pf.destroy();
      pf.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Conformance("cli.cp")
  @Test
  void cpBothWays(String ns) throws Exception {
    run(ns, "files", "sleep", "3600");
    Path dir = Files.createTempDirectory("kubectl-cp");
    Path local = dir.resolve("in.txt");
    String content = "copied into the pod\n".repeat(5000);
    Files.writeString(local, content);
    k().run("cp", local.toString(), ns + "/files:/tmp/in.txt").ok();
    assertEquals(Integer.toString(content.length()), k().run("exec", "files", "-n", ns, "--", "wc", "-c",
        "/tmp/in.txt").ok().out().trim().split("\\s+")[0]);
    k().run("cp", ns + "/files:/tmp/in.txt", dir.resolve("back.txt").toString()).ok();
    assertEquals(content, Files.readString(dir.resolve("back.txt")));
  }
}
