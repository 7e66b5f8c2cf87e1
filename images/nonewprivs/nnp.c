/*
 * nnp: prints the effective uid it runs with. Installed setuid root in the nonewprivs image: run by a non-root user,
 * it reports uid 0 when the kernel honours the setuid bit, and the caller's uid under no_new_privs
 * (allowPrivilegeEscalation: false), which is what upstream's "AllowPrivilegeEscalation" tests look for.
 */
#include <stdio.h>
#include <unistd.h>

int main(void) {
  printf("Effective uid: %d\n", (int)geteuid());
  return 0;
}
