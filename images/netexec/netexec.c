/*
 * Quarkube's netexec: the small part of agnhost's netexec that the network tests need, because busybox has no UDP
 * server and its nc no UDP client. Written for Quarkube; built with `gcc -static` by images/build.sh.
 *
 *   netexec [--http-port=N] [--udp-port=N]   serve HTTP (default 8080) and UDP (default 8081) until SIGTERM:
 *       HTTP GET /hostname (or /hostName) answers the host name, /echo?msg=TEXT answers TEXT (as sent, undecoded);
 *       a UDP datagram "hostname" (or "hostName") is answered with the host name, "echo TEXT" with TEXT.
 *   netexec udp HOST PORT MESSAGE            send MESSAGE in one datagram, print the answer; exit 1 when none
 *                                            comes within 2 seconds (the client side of agnhost's dial).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static char host[256];

static void on_stop(int sig) {
  (void)sig;
  _exit(0);
}

/* The answer to a request ("hostname", "echo TEXT"); NULL when there is none. */
static const char *answer(char *request) {
  size_t n = strlen(request);
  while (n > 0 && (request[n - 1] == '\n' || request[n - 1] == '\r')) {
    request[--n] = '\0';
  }
  if (strcmp(request, "hostname") == 0 || strcmp(request, "hostName") == 0) {
    return host;
  }
  if (strncmp(request, "echo ", 5) == 0) {
    return request + 5;
  }
  return NULL;
}

static int bound(int type, int port) {
  int fd = socket(AF_INET6, type, 0);
  int one = 1, zero = 0;
  struct sockaddr_in6 addr;
  if (fd < 0) {
    perror("socket");
    exit(1);
  }
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero); /* IPv4 too, as ::ffff:a.b.c.d */
  memset(&addr, 0, sizeof addr);
  addr.sin6_family = AF_INET6;
  addr.sin6_addr = in6addr_any;
  addr.sin6_port = htons((unsigned short)port);
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || (type == SOCK_STREAM && listen(fd, 64) < 0)) {
    perror("bind");
    exit(1);
  }
  return fd;
}

static void serve_udp(int fd) {
  char buf[2048];
  struct sockaddr_storage peer;
  socklen_t len = sizeof peer;
  ssize_t n = recvfrom(fd, buf, sizeof buf - 1, 0, (struct sockaddr *)&peer, &len);
  if (n < 0) {
    return;
  }
  buf[n] = '\0';
  const char *reply = answer(buf);
  if (reply != NULL) {
    sendto(fd, reply, strlen(reply), 0, (struct sockaddr *)&peer, len);
  }
}

/* One HTTP/1.0-style exchange: read the request head, answer, close. */
static void serve_http(int listener) {
  char buf[4096], path[2048], body[2048];
  size_t got = 0;
  buf[0] = '\0';
  int fd = accept(listener, NULL, NULL);
  if (fd < 0) {
    return;
  }
  struct timeval timeout = {5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  while (got < sizeof buf - 1 && strstr(buf, "\r\n\r\n") == NULL && strstr(buf, "\n\n") == NULL) {
    ssize_t n = read(fd, buf + got, sizeof buf - 1 - got);
    if (n <= 0) {
      break;
    }
    got += (size_t)n;
    buf[got] = '\0';
  }
  buf[got] = '\0';
  int status = 404;
  snprintf(body, sizeof body, "404 page not found");
  if (sscanf(buf, "GET %2047s", path) == 1) {
    if (strcmp(path, "/hostname") == 0 || strcmp(path, "/hostName") == 0) {
      status = 200;
      snprintf(body, sizeof body, "%s", host);
    } else if (strncmp(path, "/echo?msg=", 10) == 0) {
      status = 200;
      snprintf(body, sizeof body, "%s", path + 10);
    }
  }
  char head[256];
  int h = snprintf(head, sizeof head, "HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\n"
      "Content-Length: %zu\r\nConnection: close\r\n\r\n", status, status == 200 ? "OK" : "Not Found", strlen(body));
  if (write(fd, head, (size_t)h) >= 0) {
    (void)!write(fd, body, strlen(body));
  }
  close(fd);
}

static int udp_client(const char *to, const char *port, const char *message) {
  struct sockaddr_in addr;
  char buf[2048];
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons((unsigned short)atoi(port));
  if (fd < 0 || inet_pton(AF_INET, to, &addr.sin_addr) != 1) {
    fprintf(stderr, "netexec: %s is not an IPv4 address\n", to);
    return 2;
  }
  struct timeval timeout = {2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  if (sendto(fd, message, strlen(message), 0, (struct sockaddr *)&addr, sizeof addr) < 0) {
    perror("sendto");
    return 1;
  }
  ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
  if (n < 0) {
    fprintf(stderr, "netexec: no answer from %s:%s: %s\n", to, port, strerror(errno));
    return 1;
  }
  buf[n] = '\0';
  puts(buf);
  return 0;
}

int main(int argc, char **argv) {
  int http_port = 8080, udp_port = 8081;
  if (argc == 5 && strcmp(argv[1], "udp") == 0) {
    return udp_client(argv[2], argv[3], argv[4]);
  }
  for (int i = 1; i < argc; i++) {
    if (strncmp(argv[i], "--http-port=", 12) == 0) {
      http_port = atoi(argv[i] + 12);
    } else if (strncmp(argv[i], "--udp-port=", 11) == 0) {
      udp_port = atoi(argv[i] + 11);
    } else {
      fprintf(stderr, "usage: netexec [--http-port=N] [--udp-port=N] | netexec udp HOST PORT MESSAGE\n");
      return 2;
    }
  }
  signal(SIGTERM, on_stop);
  signal(SIGINT, on_stop);
  signal(SIGPIPE, SIG_IGN);
  gethostname(host, sizeof host - 1);
  struct pollfd fds[2] = {{bound(SOCK_STREAM, http_port), POLLIN, 0}, {bound(SOCK_DGRAM, udp_port), POLLIN, 0}};
  printf("netexec: HTTP on %d, UDP on %d\n", http_port, udp_port);
  fflush(stdout);
  for (;;) {
    if (poll(fds, 2, -1) < 0) {
      continue;
    }
    if (fds[0].revents & POLLIN) {
      serve_http(fds[0].fd);
    }
    if (fds[1].revents & POLLIN) {
      serve_udp(fds[1].fd);
    }
  }
}
