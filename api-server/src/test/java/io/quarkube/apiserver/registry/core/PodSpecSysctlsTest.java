package io.quarkube.apiserver.registry.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Sysctl;
import io.quarkube.apiserver.errors.FieldError;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Upstream's validateSysctls (the e2e "should reject invalid sysctls" pod among them). */
class PodSpecSysctlsTest {
  private static final String RULE = "must have at most 253 characters and match regex "
      + "^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$";

  private static List<String> errors(String... names) {
    List<Sysctl> sysctls = new ArrayList<>();
    for (String n : names) {
      sysctls.add(new Sysctl(n, "1"));
    }
    PodSpec spec = new PodSpecBuilder().addNewContainer().withName("c").withImage("busybox").endContainer()
        .withNewSecurityContext().withSysctls(sysctls).endSecurityContext().build();
    List<FieldError> errors = new ArrayList<>();
    PodSpecValidator.validate(spec, "spec", errors);
    return errors.stream().map(e -> e.field() + ": " + e.causeMessage()).toList();
  }

  @Test
  void invalidNamesAreReportedAndValidOnesAreNot() {
    assertEquals(List.of(
        "spec.securityContext.sysctls[0].name: Invalid value: \"foo-\": " + RULE,
        "spec.securityContext.sysctls[3].name: Invalid value: \"bar..\": " + RULE),
        errors("foo-", "kernel.shmmax", "safe-and-unsafe", "bar.."));
  }

  @Test
  void dotsAndSlashesSeparateSegments() {
    assertEquals(List.of(), errors("net.ipv4.ip_forward", "net/ipv4/conf/eno2.100/rp_filter", "kernel.shm_rmid_forced"));
    assertEquals(1, errors("Kernel.shmmax").size());
    assertEquals(1, errors(".kernel").size());
    assertEquals(1, errors("a".repeat(254)).size());
  }

  @Test
  void namesAreRequiredAndUnique() {
    assertEquals(List.of("spec.securityContext.sysctls[0].name: Required value",
        "spec.securityContext.sysctls[2].name: Duplicate value: \"kernel.shmmax\""),
        errors("", "kernel.shmmax", "kernel.shmmax"));
  }
}
