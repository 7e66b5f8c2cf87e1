package io.quarkube.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A real etcd server, started as a child process of the test JVM.
 *
 * <p>{@link #start()} runs the {@code etcd} binary (system property {@value #BINARY_PROPERTY}, environment variable
 * {@code QUARKUBE_ETCD_BINARY}, else {@code etcd} from {@code PATH}, else {@code /usr/bin/etcd}) on two free loopback ports
 * (client and peer) with a fresh data folder, and returns once {@code GET /health} answers healthy. {@link #close()} stops
 * the process (TERM, then KILL after a timeout), waits for it, and deletes the folder.
 *
 * <p>{@link #shared()} is one server for the whole JVM, started on first use and stopped by a shutdown hook. Tests that use
 * it must keep out of each other's way: give each test its own key prefix ({@link #uniquePrefix(String)}) or distinct
 * object names. {@code close()} on the shared server does nothing.
 *
 * <p>Setting system property {@value #ENDPOINT_PROPERTY} (or environment variable {@code QUARKUBE_TEST_ETCD_ENDPOINT}) to
 * an endpoint such as {@code http://127.0.0.1:2379} makes {@link #shared()} use that etcd instead of starting one.
 */
public final class EtcdServer implements AutoCloseable {

    /** System property naming the etcd binary to run. */
    public static final String BINARY_PROPERTY = "quarkube.testing.etcd.binary";
    /** System property naming an already running etcd for {@link #shared()}. */
    public static final String ENDPOINT_PROPERTY = "quarkube.testing.etcd.endpoint";
    /** System property naming the folder under which data folders are made (default: /dev/shm if writable, else java.io.tmpdir). */
    public static final String TMP_DIR_PROPERTY = "quarkube.testing.etcd.tmp-dir";

    private static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);
    private static final int START_ATTEMPTS = 3;

    /*
     * Quarkus loads test classes (and this library) in a new class loader per application start, so a plain static field
     * would give one "shared" etcd per class loader. The shared server is therefore registered in a JVM-wide system
     * property, and guarded by a string literal: literals are interned, so this is one object for every class loader.
     */
    private static final String SHARED_REGISTRY_PROPERTY = "quarkube.testing.etcd.shared-instance";
    private static final String SHARED_LOCK = "io.quarkube.testing.EtcdServer.SHARED_LOCK";

    /** Servers this class loader started and has not stopped yet; stopped by the shutdown hook. */
    private static final Set<EtcdServer> RUNNING = ConcurrentHashMap.newKeySet();
    private static volatile boolean hookInstalled;
    private static volatile EtcdServer shared;

    private final String endpoint;
    private final int clientPort;
    private final int peerPort;
    private final Path baseDir;
    private final Process process;
    private final ProcessHandle handle;
    private final boolean owned;
    private final boolean isShared;
    private volatile boolean stopped;

    private EtcdServer(String endpoint, int clientPort, int peerPort, Path baseDir, Process process, ProcessHandle handle,
            boolean owned, boolean isShared) {
        this.endpoint = endpoint;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        this.baseDir = baseDir;
        this.process = process;
        this.handle = handle;
        this.owned = owned;
        this.isShared = isShared;
    }

    // ------------------------------------------------------------------------------------------------------------ start

    /** Starts a new etcd and waits (at most 60 s) until it is healthy. The caller must {@link #close()} it. */
    public static EtcdServer start() {
        return start(DEFAULT_START_TIMEOUT);
    }

    /** Starts a new etcd and waits at most {@code timeout} until it is healthy. The caller must {@link #close()} it. */
    public static EtcdServer start(Duration timeout) {
        return start(timeout, false);
    }

    private static EtcdServer start(Duration timeout, boolean isShared) {
        Path binary = findBinary();
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> failures = new ArrayList<>();
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int[] ports = FreePorts.many(2);
            Path base;
            try {
                base = Files.createTempDirectory(tempRoot(), "quarkube-etcd-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a data folder for etcd under " + tempRoot(), e);
            }
            try {
                return launch(binary, base, ports[0], ports[1], deadline, isShared);
            } catch (PortTakenException e) {
                // Another process took one of the ports between choosing and binding: try again with new ones.
                failures.add(e.getMessage());
                deleteRecursively(base);
            }
        }
        throw new IllegalStateException("etcd did not start after " + START_ATTEMPTS + " attempts: " + failures);
    }

    private static EtcdServer launch(Path binary, Path base, int clientPort, int peerPort, long deadline, boolean isShared) {
        String clientUrl = "http://127.0.0.1:" + clientPort;
        String peerUrl = "http://127.0.0.1:" + peerPort;
        String name = "quarkube-test";
        List<String> command = List.of(binary.toString(),
                "--name", name,
                "--data-dir", base.resolve("data").toString(),
                "--listen-client-urls", clientUrl,
                "--advertise-client-urls", clientUrl,
                "--listen-peer-urls", peerUrl,
                "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", name + "=" + peerUrl,
                "--initial-cluster-state", "new",
                "--initial-cluster-token", "quarkube-test-" + UUID.randomUUID(),
                "--logger", "zap",
                "--log-outputs", "stderr");
        Path log = base.resolve("etcd.log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(base.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        // etcd reads ETCD_* variables as flags: keep whatever the caller's shell has out of it.
        builder.environment().keySet().removeIf(key -> key.startsWith("ETCD_"));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            deleteRecursively(base);
            throw new UncheckedIOException("cannot run " + binary, e);
        }
        EtcdServer server = new EtcdServer(clientUrl, clientPort, peerPort, base, process, process.toHandle(), true, isShared);
        register(server);
        try {
            server.awaitHealthy(deadline);
            return server;
        } catch (RuntimeException | Error e) {
            server.stop();
            throw e;
        }
    }

    private void awaitHealthy(long deadline) {
        while (true) {
            if (!process.isAlive()) {
                String tail = logTail();
                if (tail.contains("address already in use")) {
                    throw new PortTakenException("port " + clientPort + " or " + peerPort + " was taken");
                }
                throw new IllegalStateException("etcd exited with code " + process.exitValue() + " before it was healthy; "
                        + "its log (" + logFile() + ") ends with:\n" + tail);
            }
            if (isHealthy()) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("etcd (pid " + process.pid() + ") did not become healthy at " + endpoint
                        + "/health in time; its log ends with:\n" + logTail());
            }
            try {
                Thread.sleep(POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for etcd", e);
            }
        }
    }

    // ----------------------------------------------------------------------------------------------------------- shared

    /**
     * The JVM-wide etcd, started on first use and stopped when the JVM exits. {@code close()} on it does nothing.
     */
    public static EtcdServer shared() {
        EtcdServer current = shared;
        if (current != null && current.stillUsable()) {
            return current;
        }
        synchronized (SHARED_LOCK) {
            current = shared;
            if (current != null && current.stillUsable()) {
                return current;
            }
            String external = externalEndpoint();
            if (external != null) {
                current = new EtcdServer(external, URI.create(external).getPort(), -1, null, null, null, false, true);
            } else {
                current = fromRegistry().orElse(null);
                if (current == null) {
                    current = start(DEFAULT_START_TIMEOUT, true);
                    System.setProperty(SHARED_REGISTRY_PROPERTY, current.handle.pid() + "," + current.clientPort + ","
                            + current.peerPort + "," + current.endpoint + "," + current.baseDir);
                }
            }
            shared = current;
            return current;
        }
    }

    private boolean stillUsable() {
        // An external etcd is trusted to stay up (checking it would cost a request per call).
        return handle == null || isAlive();
    }

    /** A view of the shared etcd that another class loader of this JVM started, if it still runs. */
    private static Optional<EtcdServer> fromRegistry() {
        String entry = System.getProperty(SHARED_REGISTRY_PROPERTY);
        if (entry == null) {
            return Optional.empty();
        }
        String[] parts = entry.split(",", 5);
        Optional<ProcessHandle> handle = ProcessHandle.of(Long.parseLong(parts[0]));
        if (handle.isEmpty() || !handle.get().isAlive()) {
            System.clearProperty(SHARED_REGISTRY_PROPERTY);
            return Optional.empty();
        }
        return Optional.of(new EtcdServer(parts[3], Integer.parseInt(parts[1]), Integer.parseInt(parts[2]),
                Paths.get(parts[4]), null, handle.get(), false, true));
    }

    private static String externalEndpoint() {
        String value = System.getProperty(ENDPOINT_PROPERTY);
        if (value == null || value.isBlank()) {
            value = System.getenv("QUARKUBE_TEST_ETCD_ENDPOINT");
        }
        if (value == null || value.isBlank()) {
            return null;
        }
        value = value.trim();
        return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }

    /** A key prefix no other test uses: {@code /quarkube-test/<name>-<random>/}. */
    public static String uniquePrefix(String name) {
        String clean = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]+", "-");
        return "/quarkube-test/" + clean + "-" + UUID.randomUUID().toString().substring(0, 8) + "/";
    }

    // -------------------------------------------------------------------------------------------------------- accessors

    /** The client URL, e.g. {@code http://127.0.0.1:40123}. */
    public String endpoint() {
        return endpoint;
    }

    /** The client port on 127.0.0.1. */
    public int clientPort() {
        return clientPort;
    }

    /** The peer port on 127.0.0.1 ({@code -1} for an external etcd). */
    public int peerPort() {
        return peerPort;
    }

    /** The etcd process id, if this JVM knows it (not for an external etcd). */
    public Optional<Long> pid() {
        return Optional.ofNullable(handle).map(ProcessHandle::pid);
    }

    /** The folder that holds {@code data/} and {@code etcd.log} (null for an external etcd). */
    public Path baseDir() {
        return baseDir;
    }

    /** etcd's own log (stdout and stderr); null for an external etcd. */
    public Path logFile() {
        return baseDir == null ? null : baseDir.resolve("etcd.log");
    }

    /** Whether the process runs (for an external etcd: whether it answers healthy). */
    public boolean isAlive() {
        if (handle == null) {
            return isHealthy();
        }
        return !stopped && handle.isAlive();
    }

    /** Whether {@code GET <endpoint>/health} answers {@code "health":"true"} right now. */
    public boolean isHealthy() {
        HttpURLConnection connection = null;
        try {
            connection = (HttpURLConnection) URI.create(endpoint + "/health").toURL().openConnection();
            connection.setConnectTimeout(1000);
            connection.setReadTimeout(2000);
            if (connection.getResponseCode() != 200) {
                return false;
            }
            try (InputStream in = connection.getInputStream()) {
                String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                return body.replace(" ", "").contains("\"health\":\"true\"");
            }
        } catch (IOException e) {
            return false;
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
        }
    }

    @Override
    public String toString() {
        return "EtcdServer[" + endpoint + (handle != null ? ", pid " + handle.pid() : ", external")
                + (isShared ? ", shared" : "") + "]";
    }

    // ------------------------------------------------------------------------------------------------------------- stop

    /**
     * Stops the process (TERM, then KILL after 10 s), waits for it to be gone and deletes its folder. Does nothing for
     * {@link #shared()} (stopped at JVM exit) and when already closed.
     */
    @Override
    public void close() {
        if (isShared) {
            return;
        }
        stop();
    }

    private synchronized void stop() {
        if (!owned || stopped) {
            return;
        }
        stopped = true;
        try {
            process.destroy();
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            RUNNING.remove(this);
            deleteRecursively(baseDir);
            if (isShared) {
                String entry = System.getProperty(SHARED_REGISTRY_PROPERTY);
                if (entry != null && entry.startsWith(process.pid() + ",")) {
                    System.clearProperty(SHARED_REGISTRY_PROPERTY);
                }
            }
        }
    }

    private static void register(EtcdServer server) {
        RUNNING.add(server);
        if (!hookInstalled) {
            synchronized (RUNNING) {
                if (!hookInstalled) {
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                        for (EtcdServer running : List.copyOf(RUNNING)) {
                            running.stop();
                        }
                    }, "quarkube-etcd-shutdown"));
                    hookInstalled = true;
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------- helpers

    /** The etcd binary that {@link #start()} runs; fails with a hint when there is none. */
    public static Path findBinary() {
        String configured = System.getProperty(BINARY_PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv("QUARKUBE_ETCD_BINARY");
        }
        if (configured != null && !configured.isBlank()) {
            Path path = Paths.get(configured.trim());
            if (Files.isExecutable(path)) {
                return path;
            }
            throw new IllegalStateException("etcd binary " + path + " (from " + BINARY_PROPERTY
                    + " / QUARKUBE_ETCD_BINARY) is not an executable file");
        }
        String pathVariable = System.getenv("PATH");
        if (pathVariable != null) {
            for (String dir : pathVariable.split(File.pathSeparator)) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path candidate = Paths.get(dir, "etcd");
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        Path fallback = Paths.get("/usr/bin/etcd");
        if (Files.isExecutable(fallback)) {
            return fallback;
        }
        throw new IllegalStateException("no etcd binary found on PATH or at /usr/bin/etcd: install it with "
                + "'apt-get install etcd-server' (./quarkube up and ./quarkube test do that), or set " + BINARY_PROPERTY);
    }

    private static Path tempRoot() {
        String configured = System.getProperty(TMP_DIR_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Paths.get(configured);
        }
        // tmpfs makes etcd's fsyncs free, which keeps tests fast; the data is thrown away anyway.
        Path shm = Paths.get("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            return shm;
        }
        return Paths.get(System.getProperty("java.io.tmpdir"));
    }

    private String logTail() {
        Path log = logFile();
        if (log == null) {
            return "";
        }
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    private static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                    if (exc instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw exc;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path directory, IOException exc) throws IOException {
                    Files.deleteIfExists(directory);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("[EtcdServer] could not delete " + dir + ": " + e);
        }
    }

    private static final class PortTakenException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PortTakenException(String message) {
            super(message);
        }
    }
}
