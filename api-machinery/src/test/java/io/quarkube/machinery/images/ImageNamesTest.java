package io.quarkube.machinery.images;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ImageNamesTest {
  @Test
  void normalizesLikeContainerd() {
    assertEquals("docker.io/library/busybox:latest", ImageNames.normalize("busybox"));
    assertEquals("docker.io/library/busybox:1.36", ImageNames.normalize("busybox:1.36"));
    assertEquals("docker.io/foo/bar:latest", ImageNames.normalize("foo/bar"));
    assertEquals("docker.io/library/busybox:latest", ImageNames.normalize("docker.io/busybox"));
    assertEquals("127.0.0.1:5000/quarkube/pause:1.0", ImageNames.normalize("127.0.0.1:5000/quarkube/pause:1.0"));
    assertEquals("localhost/app:latest", ImageNames.normalize("localhost/app"));
    assertEquals("quay.io/x/y@sha256:abc", ImageNames.normalize("quay.io/x/y@sha256:abc"));
    assertEquals("docker.io/library/busybox:latest", ImageNames.normalize("docker.io/library/busybox"));
    assertEquals("docker.io/library/busybox:latest", ImageNames.normalize("index.docker.io/busybox"));
    assertEquals("docker.io/bitnami/nginx:latest", ImageNames.normalize("bitnami/nginx"));
    assertEquals("localhost:5000/app:latest", ImageNames.normalize("localhost:5000/app"));
    assertEquals("docker.io/library/busybox@sha256:abc", ImageNames.normalize("busybox@sha256:abc"));
    assertEquals("", ImageNames.normalize(null));
    assertEquals("", ImageNames.normalize(" "));
  }

  @Test
  void registryAndTag() {
    assertEquals("docker.io", ImageNames.registry("busybox"));
    assertEquals("127.0.0.1:5000", ImageNames.registry("127.0.0.1:5000/a/b"));
    assertEquals("registry.k8s.io", ImageNames.registry("registry.k8s.io/pause:3.9"));
    assertEquals("latest", ImageNames.tag("127.0.0.1:5000/a/b"));
    assertEquals("3.9", ImageNames.tag("registry.k8s.io/pause:3.9"));
    assertEquals("docker.io/library/busybox", ImageNames.repository("busybox:1.2"));
  }
}
