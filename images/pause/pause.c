/*
 * Quarkube's pause: the process of every pod sandbox. It holds the pod's namespaces open, exits on SIGINT/SIGTERM
 * (so a sandbox stop is quick), and reaps orphans when the pod shares one PID namespace. Written for Quarkube (same
 * job as Kubernetes' build/pause/linux/pause.c); built with `gcc -static` by images/build.sh.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_stop(int sig) {
  (void)sig;
  _exit(0);
}

static void on_child(int sig) {
  (void)sig;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "-v") == 0) {
    puts("quarkube-pause 1.0");
    return 0;
  }
  if (getpid() != 1) {
    fputs("pause: warning: not PID 1, so orphans are not reaped here\n", stderr);
  }
  struct sigaction stop = {.sa_handler = on_stop};
  struct sigaction child = {.sa_handler = on_child, .sa_flags = SA_NOCLDSTOP};
  if (sigaction(SIGINT, &stop, NULL) < 0 || sigaction(SIGTERM, &stop, NULL) < 0 ||
      sigaction(SIGCHLD, &child, NULL) < 0) {
    perror("pause: sigaction");
    return 1;
  }
  for (;;) {
    pause();
  }
}
