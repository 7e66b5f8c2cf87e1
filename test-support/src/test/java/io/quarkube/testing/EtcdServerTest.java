package io.quarkube.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

class EtcdServerTest {

    @Test
    void startsARealEtcdAndStopsItCompletely() throws Exception {
        long pid;
        Path base;
        int clientPort;
        try (EtcdServer etcd = EtcdServer.start()) {
            assertTrue(etcd.endpoint().matches("http://127\\.0\\.0\\.1:\\d+"), etcd.endpoint());
            clientPort = etcd.clientPort();
            assertNotEquals(etcd.clientPort(), etcd.peerPort());
            pid = etcd.pid().orElseThrow();
            base = etcd.baseDir();

            HttpResult health = get(etcd.endpoint() + "/health");
            assertEquals(200, health.status);
            assertTrue(health.body.replace(" ", "").contains("\"health\":\"true\""), health.body);
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
            assertTrue(Files.isDirectory(base.resolve("data")));

            // It is a working key-value store: write and read back through etcd's v3 JSON gateway.
            String key = EtcdServer.uniquePrefix("EtcdServerTest") + "k";
            post(etcd.endpoint() + "/v3/kv/put", "{\"key\":\"" + b64(key) + "\",\"value\":\"" + b64("hello") + "\"}");
            HttpResult range = post(etcd.endpoint() + "/v3/kv/range", "{\"key\":\"" + b64(key) + "\"}");
            assertTrue(range.body.contains(b64("hello")), range.body);
        }
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "etcd still runs after close()");
        assertFalse(Files.exists(base), "data folder left behind: " + base);
        assertFalse(FreePorts.isListening(clientPort), "client port still open");
    }

    @Test
    void closeTwiceIsHarmless() {
        EtcdServer etcd = EtcdServer.start();
        etcd.close();
        etcd.close();
        assertFalse(etcd.isAlive());
    }

    @Test
    void sharedIsStartedOnceAndSurvivesClose() {
        EtcdServer first = EtcdServer.shared();
        first.close(); // must be ignored for the shared instance
        EtcdServer second = EtcdServer.shared();
        assertSame(first, second);
        assertTrue(second.isHealthy());
    }

    @Test
    void testResourceGivesTheSharedEndpoint() {
        EtcdTestResource resource = new EtcdTestResource();
        Map<String, String> config = resource.start();
        assertEquals(Map.of("quarkube.etcd.endpoints", EtcdServer.shared().endpoint()), config);
        resource.stop();
        assertTrue(EtcdServer.shared().isHealthy());
    }

    @Test
    @ExtendWith(EtcdExtension.class)
    void extensionInjectsTheSharedServer(EtcdServer etcd) {
        assertSame(EtcdServer.shared(), etcd);
    }

    @Test
    void freePortsAreDistinctAndFree() {
        int[] ports = FreePorts.many(3);
        assertEquals(3, java.util.Arrays.stream(ports).distinct().count());
        for (int port : ports) {
            assertTrue(port > 0 && port < 65536);
            assertFalse(FreePorts.isListening(port));
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private record HttpResult(int status, String body) {
    }

    private static HttpResult get(String url) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        try {
            return new HttpResult(c.getResponseCode(), new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } finally {
            c.disconnect();
        }
    }

    private static HttpResult post(String url, String json) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        try {
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", "application/json");
            c.getOutputStream().write(json.getBytes(StandardCharsets.UTF_8));
            int status = c.getResponseCode();
            assertEquals(200, status, url);
            return new HttpResult(status, new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } finally {
            c.disconnect();
        }
    }
}
