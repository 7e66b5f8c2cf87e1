package io.quarkube.controllers.gc;

/** One object in the ownership graph: the garbage collector's work-queue key. The uid tells apart a re-creation. */
record GcNode(GcResource resource, String namespace, String name, String uid) {
  String cacheKey() {
    return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
  }

  @Override
  public String toString() {
    return resource.groupKind() + " " + cacheKey() + " (" + uid + ")";
  }
}
