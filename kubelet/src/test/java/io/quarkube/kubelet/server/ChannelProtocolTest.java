package io.quarkube.kubelet.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class ChannelProtocolTest {
  @Test
  void binaryMessagesStartWithTheChannel() {
    ChannelProtocol v5 = ChannelProtocol.of("v5.channel.k8s.io");
    assertTrue(v5.hasCloseSignal());
    assertTrue(v5.statusOnErrorChannel());
    ChannelProtocol.Frame f = v5.binary(Buffer.buffer(new byte[] {0, 'h', 'i'}));
    assertEquals(0, f.channel());
    assertArrayEquals("hi".getBytes(), f.data());
    assertEquals(255, v5.binary(Buffer.buffer(new byte[] {(byte) 255, 0})).channel());
  }

  @Test
  void olderProtocolsHaveNoCloseSignalAndBase64IsText() {
    ChannelProtocol v4 = ChannelProtocol.of("v4.channel.k8s.io");
    assertFalse(v4.hasCloseSignal());
    ChannelProtocol v1 = ChannelProtocol.of("channel.k8s.io");
    assertFalse(v1.statusOnErrorChannel());
    ChannelProtocol b64 = ChannelProtocol.of("base64.channel.k8s.io");
    ChannelProtocol.Frame f = b64.text("0aGk=");
    assertEquals(0, f.channel());
    assertArrayEquals("hi".getBytes(), f.data());
  }

  @Test
  void clientIdentityReadsUserAndGroups() {
    ClientIdentity.Subject s = ClientIdentity.parse("CN=kube-apiserver-kubelet-client,O=system:masters");
    assertEquals("kube-apiserver-kubelet-client", s.user());
    assertEquals(java.util.List.of("system:masters"), s.groups());
  }
}
