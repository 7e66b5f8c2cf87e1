package io.quarkube.kubelet.volumes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicWriterTest {
  @TempDir
  Path dir;

  private static AtomicWriter.Payload text(String s) {
    return new AtomicWriter.Payload(s.getBytes(StandardCharsets.UTF_8), 0644);
  }

  @Test
  void swapsContentThroughTheDataLink() throws Exception {
    assertTrue(AtomicWriter.write(dir, Map.of("a", text("1"), "sub/b", text("2"))));
    assertEquals("1", Files.readString(dir.resolve("a")));
    assertEquals("2", Files.readString(dir.resolve("sub/b")));
    assertTrue(Files.isSymbolicLink(dir.resolve("a")));
    Path first = dir.resolve(Files.readSymbolicLink(dir.resolve("..data")));

    assertFalse(AtomicWriter.write(dir, Map.of("a", text("1"), "sub/b", text("2"))), "same content: no rewrite");

    assertTrue(AtomicWriter.write(dir, Map.of("a", text("changed"))));
    assertEquals("changed", Files.readString(dir.resolve("a")));
    assertFalse(Files.exists(dir.resolve("sub")), "a key that went away is gone");
    assertFalse(Files.exists(first), "the previous generation is removed");
  }
}
