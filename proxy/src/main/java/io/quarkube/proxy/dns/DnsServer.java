package io.quarkube.proxy.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;

/**
 * The cluster DNS server: UDP and TCP on one port, each query answered by {@link DnsAnswerer}. UDP answers larger
 * than the client's buffer (512 bytes, or its EDNS size) are truncated with TC set, so the client retries over TCP.
 */
public final class DnsServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(DnsServer.class);
  private static final int TCP_IDLE_MS = 10_000;

  private final DnsAnswerer answerer;
  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private final ExecutorService workers;
  private final AtomicLong queries = new AtomicLong();
  private volatile boolean closed;

  public DnsServer(DnsAnswerer answerer, String bindAddress, int port) throws IOException {
    this.answerer = answerer;
    InetAddress bind = InetAddress.getByName(bindAddress);
    // UDP and TCP share one port number. With port 0 the number UDP drew may be taken for TCP: draw again.
    DatagramSocket udpSocket = null;
    ServerSocket tcpSocket = null;
    for (int attempt = 0; tcpSocket == null; attempt++) {
      udpSocket = new DatagramSocket(new InetSocketAddress(bind, port));
      ServerSocket candidate = new ServerSocket();
      candidate.setReuseAddress(true);
      try {
        candidate.bind(new InetSocketAddress(bind, udpSocket.getLocalPort()), 128);
        tcpSocket = candidate;
      } catch (IOException e) {
        candidate.close();
        udpSocket.close();
        if (port != 0 || attempt >= 20) {
          throw e;
        }
      }
    }
    this.udp = udpSocket;
    this.tcp = tcpSocket;
    this.workers = new ThreadPoolExecutor(2, 16, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(1024), r -> {
      Thread t = new Thread(r, "dns-worker");
      t.setDaemon(true);
      return t;
    }, new ThreadPoolExecutor.DiscardPolicy());
  }

  public int port() {
    return udp.getLocalPort();
  }

  public long queries() {
    return queries.get();
  }

  public void start() {
    daemon("dns-udp", this::serveUdp).start();
    daemon("dns-tcp", this::serveTcp).start();
  }

  private static Thread daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private void serveUdp() {
    while (!closed) {
      byte[] buf = new byte[4096];
      DatagramPacket packet = new DatagramPacket(buf, buf.length);
      try {
        udp.receive(packet);
      } catch (IOException e) {
        if (!closed) {
          LOG.warnf("DNS UDP receive failed: %s", e.getMessage());
        }
        continue;
      }
      byte[] data = java.util.Arrays.copyOf(packet.getData(), packet.getLength());
      var from = packet.getSocketAddress();
      workers.execute(() -> {
        byte[] reply = handle(data, true);
        if (reply != null) {
          try {
            udp.send(new DatagramPacket(reply, reply.length, from));
          } catch (IOException e) {
            LOG.debugf("DNS UDP send to %s failed: %s", from, e.getMessage());
          }
        }
      });
    }
  }

  private void serveTcp() {
    while (!closed) {
      Socket s;
      try {
        s = tcp.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.warnf("DNS TCP accept failed: %s", e.getMessage());
        }
        continue;
      }
      workers.execute(() -> serveConnection(s));
    }
  }

  private void serveConnection(Socket s) {
    try (s) {
      s.setSoTimeout(TCP_IDLE_MS);
      DataInputStream in = new DataInputStream(s.getInputStream());
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      while (!closed) {
        int length;
        try {
          length = in.readUnsignedShort();
        } catch (EOFException e) {
          return;
        }
        byte[] data = new byte[length];
        in.readFully(data);
        byte[] reply = handle(data, false);
        if (reply == null) {
          return;
        }
        out.writeShort(reply.length);
        out.write(reply);
        out.flush();
      }
    } catch (SocketException | java.net.SocketTimeoutException e) {
      // client went away or idled out
    } catch (IOException e) {
      LOG.debugf("DNS TCP connection failed: %s", e.getMessage());
    }
  }

  /** Wire query → wire answer; null for garbage that has no header to answer to. */
  byte[] handle(byte[] data, boolean udpTransport) {
    queries.incrementAndGet();
    Message query;
    try {
      query = new Message(data);
    } catch (IOException e) {
      if (data.length < 12) {
        return null;
      }
      Message err = new Message(((data[0] & 0xff) << 8) | (data[1] & 0xff));
      err.getHeader().setFlag(Flags.QR);
      err.getHeader().setRcode(Rcode.FORMERR);
      return err.toWire();
    }
    Message response;
    try {
      response = answerer.answer(query);
    } catch (RuntimeException e) {
      LOG.warnf(e, "DNS answer failed for %s", query.getQuestion());
      response = new Message(query.getHeader().getID());
      response.getHeader().setFlag(Flags.QR);
      response.getHeader().setRcode(Rcode.SERVFAIL);
      if (query.getQuestion() != null) {
        response.addRecord(query.getQuestion(), org.xbill.DNS.Section.QUESTION);
      }
    }
    if (!udpTransport) {
      return response.toWire();
    }
    OPTRecord opt = query.getOPT();
    int max = opt == null ? 512 : Math.max(512, Math.min(opt.getPayloadSize(), 4096));
    return response.toWire(max);
  }

  @Override
  public void close() {
    closed = true;
    udp.close();
    try {
      tcp.close();
    } catch (IOException e) {
      // closing anyway
    }
    workers.shutdownNow();
  }
}
