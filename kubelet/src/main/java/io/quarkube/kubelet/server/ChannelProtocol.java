package io.quarkube.kubelet.server;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The WebSocket sub-protocols of exec and attach ({@code *.channel.k8s.io}): every message starts with its channel
 * (0 stdin, 1 stdout, 2 stderr, 3 error/status, 4 resize; v5 adds 255 = "close the channel named in the next byte").
 * The base64 variants send text messages whose first character is the channel digit and the rest base64. v4 and v5
 * carry a metav1.Status on channel 3; older versions carry only an error message, and nothing on success.
 */
final class ChannelProtocol {
  static final String V5 = "v5.channel.k8s.io";
  static final String V4 = "v4.channel.k8s.io";
  static final String V3 = "v3.channel.k8s.io";
  static final String V2 = "v2.channel.k8s.io";
  static final String V1 = "channel.k8s.io";
  static final String BASE64_V1 = "base64.channel.k8s.io";
  static final String V4_BASE64 = "v4.base64.channel.k8s.io";

  static final int STDIN = 0;
  static final int STDOUT = 1;
  static final int STDERR = 2;
  static final int ERROR = 3;
  static final int RESIZE = 4;
  static final int CLOSE = 255;

  final String name;
  final int version;
  final boolean base64;

  private ChannelProtocol(String name, int version, boolean base64) {
    this.name = name;
    this.version = version;
    this.base64 = base64;
  }

  /** The protocol the WebSocket handshake chose; none offered means the oldest (as upstream). */
  static ChannelProtocol of(String negotiated) {
    if (negotiated == null || negotiated.isEmpty()) {
      return new ChannelProtocol(V1, 1, false);
    }
    return switch (negotiated) {
      case V5 -> new ChannelProtocol(V5, 5, false);
      case V4 -> new ChannelProtocol(V4, 4, false);
      case V3 -> new ChannelProtocol(V3, 3, false);
      case V2 -> new ChannelProtocol(V2, 2, false);
      case BASE64_V1 -> new ChannelProtocol(BASE64_V1, 1, true);
      case V4_BASE64 -> new ChannelProtocol(V4_BASE64, 4, true);
      default -> new ChannelProtocol(V1, 1, false);
    };
  }

  /** Whether channel 3 carries a Status JSON (else a plain error message). */
  boolean statusOnErrorChannel() {
    return version >= 4;
  }

  /** Whether the client can half-close stdin (channel 255). */
  boolean hasCloseSignal() {
    return version >= 5;
  }

  void write(ServerWebSocket ws, int channel, byte[] data) {
    if (base64) {
      ws.writeTextMessage((char) ('0' + channel) + Base64.getEncoder().encodeToString(data));
    } else {
      Buffer b = Buffer.buffer(data.length + 1);
      b.appendByte((byte) channel).appendBytes(data);
      ws.writeBinaryMessage(b);
    }
  }

  /** One message from the client: channel and payload, or null for an empty or unreadable message. */
  record Frame(int channel, byte[] data) {}

  Frame binary(Buffer message) {
    if (message.length() == 0) {
      return null;
    }
    return new Frame(message.getByte(0) & 0xff, message.getBytes(1, message.length()));
  }

  Frame text(String message) {
    if (message.isEmpty()) {
      return null;
    }
    int channel = message.charAt(0) - '0';
    if (!base64) {
      return new Frame(channel, message.substring(1).getBytes(StandardCharsets.UTF_8));
    }
    try {
      return new Frame(channel, Base64.getDecoder().decode(message.substring(1)));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
