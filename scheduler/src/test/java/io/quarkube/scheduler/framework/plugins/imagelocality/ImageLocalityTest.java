package io.quarkube.scheduler.framework.plugins.imagelocality;

import static io.quarkube.scheduler.testing.Fixtures.defaultFramework;
import static io.quarkube.scheduler.testing.Fixtures.node;
import static io.quarkube.scheduler.testing.Fixtures.nodeInfo;
import static io.quarkube.scheduler.testing.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerImageBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.quarkube.scheduler.cache.Snapshot;
import io.quarkube.scheduler.framework.CycleState;
import io.quarkube.scheduler.framework.NodeInfo;
import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.framework.runtime.Framework;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageLocalityTest {
  private static final long MB = 1024L * 1024;
  private final Framework fw = defaultFramework();
  private final ImageLocality plugin = new ImageLocality(fw);

  /** A node with images given as (name, size in MB) pairs. */
  private static NodeInfo withImages(String name, Object... imagesAndSizes) {
    Node n = node(name);
    for (int i = 0; i + 1 < imagesAndSizes.length; i += 2) {
      n.getStatus().getImages().add(new ContainerImageBuilder().withNames((String) imagesAndSizes[i])
          .withSizeBytes(((Number) imagesAndSizes[i + 1]).longValue() * MB).build());
    }
    return nodeInfo(n);
  }

  private static PodInfo podWith(String... images) {
    PodBuilder b = pod("p", null, null).editSpec().withContainers().endSpec();
    for (int i = 0; i < images.length; i++) {
      b.editSpec().addNewContainer().withName("c" + i).withImage(images[i]).endContainer().endSpec();
    }
    return new PodInfo(b.build());
  }

  private long[] scores(PodInfo p, NodeInfo... nodes) {
    Snapshot s = Snapshot.of(List.of(nodes));
    fw.setSnapshot(() -> s);
    CycleState state = new CycleState();
    if (plugin.preScore(state, p, List.of(nodes)).isSkip()) {
      return new long[nodes.length];
    }
    long[] out = new long[nodes.length];
    for (int i = 0; i < nodes.length; i++) {
      out[i] = plugin.score(state, p, nodes[i]);
    }
    return out;
  }

  @Test
  void upstreamsFormulaWithSpread() {
    // Two containers (range 23..2000 MB); each image is on one node of two, so it counts half its size.
    NodeInfo n1 = withImages("n1", "gcr.io/40:latest", 40, "gcr.io/300:latest", 300, "gcr.io/2000:latest", 2000);
    NodeInfo n2 = withImages("n2", "gcr.io/250:latest", 250, "gcr.io/10:latest", 10);
    PodInfo p = podWith("gcr.io/40", "gcr.io/250");
    long[] s = scores(p, n1, n2);
    // n1: 40 MB × 1/2 = 20 MB < 23 MB -> 0; n2: 250 MB × 1/2 = 125 MB -> 100 × (125 - 23) / (2000 - 23) = 5.
    assertEquals(0, s[0]);
    assertEquals(100 * (125 * MB - 23 * MB) / (2000 * MB - 23 * MB), s[1]);
    assertEquals(5, s[1]);
  }

  @Test
  void imagesEveryNodeHasCountFullyAndBigOnesCap() {
    NodeInfo n1 = withImages("n1", "docker.io/library/big:latest", 3000);
    NodeInfo n2 = withImages("n2", "docker.io/library/big:latest", 3000);
    assertEquals(100, scores(podWith("big"), n1, n2)[0]);
    NodeInfo n3 = withImages("n3", "docker.io/library/mid:latest", 500);
    NodeInfo n4 = withImages("n4", "docker.io/library/mid:latest", 500);
    assertEquals(100 * (500 * MB - 23 * MB) / (1000 * MB - 23 * MB), scores(podWith("mid"), n3, n4)[0]);
  }

  @Test
  void initContainersCountAndWidenTheRange() {
    NodeInfo n1 = withImages("n1", "docker.io/library/a:latest", 600, "docker.io/library/b:latest", 600);
    PodInfo p = new PodInfo(pod("p", null, null).editSpec().withContainers().addNewContainer().withName("c")
        .withImage("a").endContainer().addNewInitContainer().withName("i").withImage("b").endInitContainer()
        .endSpec().build());
    assertEquals(100 * (1200 * MB - 23 * MB) / (2000 * MB - 23 * MB), scores(p, n1)[0]);
  }

  @Test
  void noNodeWithTheImagesScoresZeroEverywhere() {
    NodeInfo n1 = withImages("n1", "docker.io/library/other:latest", 600);
    NodeInfo n2 = nodeInfo(node("n2"));
    assertEquals(List.of(0L, 0L), List.of(scores(podWith("busybox"), n1, n2)[0], scores(podWith("busybox"), n1,
        n2)[1]));
    assertTrue(plugin.preScore(new CycleState(), podWith("busybox"), List.of(n1, n2)).isSkip());
  }

  @Test
  void imagesMeetWhateverSpellingPodAndNodeUse() {
    NodeInfo n1 = withImages("n1", "docker.io/library/busybox:latest", 600);
    NodeInfo n2 = withImages("n2", "busybox", 600);
    long[] s = scores(podWith("docker.io/busybox:latest"), n1, n2);
    assertEquals(s[0], s[1]);
    assertTrue(s[0] > 0);
  }
}
