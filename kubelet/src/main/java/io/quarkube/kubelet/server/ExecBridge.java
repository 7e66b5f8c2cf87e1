package io.quarkube.kubelet.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Joins a client's WebSocket ({@code *.channel.k8s.io}) to a SPDY session with containerd's streaming server (as
 * upstream's API server translates WebSocket to SPDY): channel messages become stream DATA and back, v5's
 * "close stdin" becomes stdin's FIN, and the Status containerd writes on the error stream is the last message on
 * channel 3 before the WebSocket closes normally.
 *
 * <p>The WebSocket is served on a Vert.x event loop and the SPDY session on a Netty one: whatever touches the
 * WebSocket runs on its own thread (containerd's data is handed over there, in order), so flow control in each
 * direction is decided on one thread and cannot miss a wake-up.
 */
final class ExecBridge implements SpdyConnection.Listener {
  private static final Logger LOG = Logger.getLogger(ExecBridge.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String SUCCESS = "{\"metadata\":{},\"status\":\"Success\"}";

  private ChannelProtocol protocol;
  private final boolean stdin;
  private final boolean stdout;
  private final boolean stderr;
  private final boolean tty;
  /** SPDY stream id → WebSocket channel. */
  private final Map<Integer, Integer> channels = new HashMap<>();
  private final ByteArrayOutputStream status = new ByteArrayOutputStream();
  private volatile ServerWebSocket ws;
  private volatile SpdyConnection spdy;
  /** The WebSocket's event loop. */
  private volatile Context context;
  private volatile InputValve input;
  private OutputValve output;
  /** Why the runtime's connection ended before the WebSocket was there; {@link #start} then finishes at once. */
  private Throwable closedEarly;
  private int stdinStream = -1;
  private int resizeStream = -1;
  /**
   * Streams the server has accepted. containerd's spdystream silently drops DATA (and FIN) on a stream it has not
   * replied to yet, so what the client sends is held back until then (client-go waits for the replies too).
   */
  private final Set<Integer> replied = new HashSet<>();
  private final List<Held> held = new ArrayList<>();

  private record Held(int streamId, byte[] data, boolean last) {}
  private boolean finished;

  ExecBridge(boolean stdin, boolean stdout, boolean stderr, boolean tty) {
    this.stdin = stdin;
    this.stdout = stdout;
    this.stderr = stderr;
    this.tty = tty;
  }

  /**
   * Opens the streams the server waits for, in client-go's order; then joins the WebSocket. Called on the
   * WebSocket's event loop.
   */
  synchronized void start(SpdyConnection connection, ServerWebSocket socket) {
    this.protocol = ChannelProtocol.of(socket.subProtocol());
    this.spdy = connection;
    this.context = Vertx.currentContext();
    this.input = new InputValve(context, socket, connection::writable);
    this.output = new OutputValve(socket, connection::autoRead);
    this.ws = socket;
    if (closedEarly != null) {
      finish(closedEarly);
      return;
    }
    channels.put(connection.openStream(headers("error")), ChannelProtocol.ERROR);
    if (stdin) {
      stdinStream = connection.openStream(headers("stdin"));
    }
    if (stdout) {
      channels.put(connection.openStream(headers("stdout")), ChannelProtocol.STDOUT);
    }
    if (stderr) {
      channels.put(connection.openStream(headers("stderr")), ChannelProtocol.STDERR);
    }
    if (tty) {
      resizeStream = connection.openStream(headers("resize"));
    }
    LOG.debugf("streams opened (stdin %s, tty %s, protocol %s)", stdin, tty, protocol.name);
    // Upstream announces the connection with an empty message on the lowest channel the client reads.
    protocol.write(socket, stdout ? ChannelProtocol.STDOUT : stderr ? ChannelProtocol.STDERR : ChannelProtocol.ERROR,
        new byte[0]);
    socket.binaryMessageHandler(b -> fromClient(protocol.binary(b)));
    socket.textMessageHandler(t -> fromClient(protocol.text(t)));
    socket.closeHandler(v -> {
      LOG.debugf("client closed the WebSocket");
      connection.close();
    });
    socket.exceptionHandler(e -> {
      LOG.debugf("client WebSocket failed: %s", e.toString());
      connection.close();
    });
  }

  private static Map<String, String> headers(String type) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("streamtype", type);
    return h;
  }

  private void fromClient(ChannelProtocol.Frame frame) {
    if (frame == null) {
      return;
    }
    if (LOG.isDebugEnabled()) {
      LOG.debugf("client -> channel %d: %d bytes", frame.channel(), frame.data().length);
    }
    switch (frame.channel()) {
      case ChannelProtocol.STDIN -> {
        if (stdinStream > 0 && frame.data().length > 0) {
          send(stdinStream, frame.data(), false);
        }
      }
      case ChannelProtocol.RESIZE -> {
        if (resizeStream > 0) {
          send(resizeStream, frame.data(), false);
        }
      }
      case ChannelProtocol.CLOSE -> {
        if (protocol.hasCloseSignal() && frame.data().length > 0 && frame.data()[0] == ChannelProtocol.STDIN
            && stdinStream > 0) {
          send(stdinStream, new byte[0], true);
        }
      }
      default -> { }
    }
    input.afterClientMessage();
  }

  @Override
  public void onData(int streamId, byte[] data, boolean last) {
    onSocketThread(() -> toClient(streamId, data, last));
  }

  /** On the WebSocket's thread: a write and the check of its queue, with the drain handler on the same thread. */
  private synchronized void toClient(int streamId, byte[] data, boolean last) {
    Integer channel = channels.get(streamId);
    if (LOG.isDebugEnabled()) {
      LOG.debugf("runtime stream %d (channel %s): %d bytes%s", streamId, channel, data.length, last ? ", end" : "");
    }
    if (channel == null) {
      return;
    }
    if (channel == ChannelProtocol.ERROR) {
      status.writeBytes(data);
      if (last) {
        finish(null);
      }
      return;
    }
    if (data.length > 0) {
      protocol.write(ws, channel, data);
      output.afterWrite();
    }
  }

  private synchronized void send(int streamId, byte[] data, boolean last) {
    if (replied.contains(streamId) && held.isEmpty()) {
      spdy.write(streamId, data, last);
    } else {
      held.add(new Held(streamId, data, last));
    }
  }

  @Override
  public synchronized void onReply(int streamId) {
    replied.add(streamId);
    Iterator<Held> it = held.iterator();
    while (it.hasNext()) {
      Held w = it.next();
      if (!replied.contains(w.streamId())) {
        break; // keep the client's order
      }
      spdy.write(w.streamId(), w.data(), w.last());
      it.remove();
    }
  }

  @Override
  public void onWritable(boolean writable) {
    InputValve valve = input;
    if (valve != null && writable) {
      valve.runtimeDrained();
    }
  }

  @Override
  public synchronized void onClosed(Throwable cause) {
    if (context == null) {
      closedEarly = cause != null ? cause
          : new IOException("the runtime closed the connection before the streams were opened");
      return;
    }
    onSocketThread(() -> finish(cause));
  }

  /** Runs on the WebSocket's event loop, after what was handed over before (FIFO). */
  private void onSocketThread(Runnable action) {
    Context c = context;
    if (c == null) {
      action.run(); // before start: nothing to order against
    } else {
      c.runOnContext(v -> action.run());
    }
  }

  private synchronized void finish(Throwable cause) {
    if (finished || ws == null) {
      return;
    }
    finished = true;
    LOG.debugf("finished (%s)", cause);
    String text = status.toString(StandardCharsets.UTF_8).trim();
    if (text.isEmpty() && cause != null) {
      LOG.debugf("stream to the runtime failed: %s", cause.toString());
      text = "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"error in the stream to the container runtime: "
          + String.valueOf(cause.getMessage()).replace("\"", "'") + "\",\"reason\":\"InternalError\",\"code\":500}";
    }
    if (!text.isEmpty()) {
      if (protocol.statusOnErrorChannel()) {
        protocol.write(ws, ChannelProtocol.ERROR, text.getBytes(StandardCharsets.UTF_8));
      } else {
        String message = failureMessage(text);
        if (message != null) {
          protocol.write(ws, ChannelProtocol.ERROR, message.getBytes(StandardCharsets.UTF_8));
        }
      }
    }
    if (!ws.isClosed()) {
      ws.close((short) 1000);
    }
    spdy.close();
  }

  /** For protocols before v4: the error text of a failed Status, nothing for success. */
  private static String failureMessage(String statusJson) {
    try {
      JsonNode s = JSON.readTree(statusJson);
      if ("Success".equals(s.path("status").asText())) {
        return null;
      }
      return s.path("message").asText(statusJson);
    } catch (Exception e) {
      return statusJson;
    }
  }
}
