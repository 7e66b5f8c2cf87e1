package io.quarkube.kubelet.volumes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkube.kubelet.volumes.VolumeManager.VolumeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubPathsTest {
  @TempDir
  Path tmp;
  Path volume;
  Path outside;

  @BeforeEach
  void folders() throws Exception {
    volume = Files.createDirectories(tmp.resolve("volume"));
    outside = Files.createDirectories(tmp.resolve("node-folder"));
  }

  @Test
  void atomicWriterFilesResolveThroughDataToTheVolumesOwnFiles() throws Exception {
    AtomicWriter.write(volume, Map.of("downward/podname",
        new AtomicWriter.Payload("p".getBytes(StandardCharsets.UTF_8), 0644)));
    Path real = SubPaths.resolve(volume, "downward/podname");
    assertEquals("p", Files.readString(real));
    assertTrue(real.startsWith(volume.toRealPath()), real.toString());
    assertFalse(Files.isSymbolicLink(real));
  }

  @Test
  void missingFoldersAreMadeInsideTheVolume() throws Exception {
    Path real = SubPaths.resolve(volume, "a/b");
    assertEquals(volume.toRealPath().resolve("a/b"), real);
    assertTrue(Files.isDirectory(real));
  }

  @Test
  void aLinkLeadingOutOfTheVolumeIsRefused() throws Exception {
    Files.createSymbolicLink(volume.resolve("escape"), outside);
    Files.createSymbolicLink(volume.resolve("up"), Path.of(".."));
    Files.createFile(outside.resolve("file"));
    Files.createSymbolicLink(volume.resolve("file-link"), outside.resolve("file"));

    for (String sub : new String[] {"escape", "up", "file-link", "../node-folder", "/etc"}) {
      VolumeException e = assertThrows(VolumeException.class, () -> SubPaths.resolve(volume, sub), sub);
      assertTrue(e.getMessage().contains("subPath"), e.getMessage());
    }
  }

  @Test
  void noFolderIsMadeThroughALinkLeadingOut() throws Exception {
    Files.createSymbolicLink(volume.resolve("escape"), outside);
    assertThrows(VolumeException.class, () -> SubPaths.resolve(volume, "escape/made/here"));
    assertFalse(Files.exists(outside.resolve("made")), "nothing made outside the volume");
  }

  @Test
  void aLinkStayingInsideIsFollowed() throws Exception {
    Files.createDirectories(volume.resolve("real/dir"));
    Files.createSymbolicLink(volume.resolve("alias"), Path.of("real/dir"));
    assertEquals(volume.toRealPath().resolve("real/dir"), SubPaths.resolve(volume, "alias"));
  }
}
