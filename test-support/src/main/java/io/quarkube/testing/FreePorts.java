package io.quarkube.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds free TCP ports on the loopback interface.
 *
 * <p>A port is "free" at the moment it is returned: the socket that proved it is closed again, so another process may take it
 * before the caller binds it. Callers that start a server on such a port should retry with new ports when the bind fails
 * ({@link EtcdServer} does).
 */
public final class FreePorts {

    private FreePorts() {
    }

    /** One free loopback port. */
    public static int one() {
        return many(1)[0];
    }

    /** {@code count} distinct free loopback ports (all held open together while choosing, so they differ). */
    public static int[] many(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1: " + count);
        }
        List<ServerSocket> sockets = new ArrayList<>(count);
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket();
                sockets.add(socket);
                // No SO_REUSEADDR: a port still in TIME_WAIT is not offered.
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free loopback port", e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing a probe socket cannot fail in a way that matters
                }
            }
        }
    }

    /** Whether something accepts connections on 127.0.0.1:{@code port} right now. */
    public static boolean isListening(int port) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
