package io.quarkube.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;

/** Every kubectl write path: create subcommands, apply (client- and server-side), edit, patch, diff, replace. */
@ExtendWith(TestNamespace.class)
class KubectlWritePathsTest {
  private final Kubectl kubectl = Kubectl.stock();

  private static String deployment(String image, boolean withReplicas) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          labels: {app: web}
        spec:
        %s  selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              schedulerName: quarkube-e2e-unscheduled
              containers:
              - name: app
                image: %s
        """.formatted(withReplicas ? "  replicas: 2\n" : "", image);
  }

  @Conformance("cli.apply")
  @Test
  void createSubcommands(String ns) {
    kubectl.run("create", "service", "clusterip", "svc", "--tcp=80:8080", "-n", ns).ok();
    kubectl.run("create", "job", "once", "--image=busybox", "-n", ns).ok();
    kubectl.run("create", "role", "reader", "--verb=get,list", "--resource=pods", "-n", ns).ok();
    kubectl.run("create", "rolebinding", "reader", "--role=reader", "--user=alice", "-n", ns).ok();
    kubectl.run("create", "serviceaccount", "robot", "-n", ns).ok();
    kubectl.run("create", "quota", "q", "--hard=pods=10", "-n", ns).ok();
    String pc = "pc-" + ns;
    kubectl.run("create", "priorityclass", pc, "--value=1000").ok();
    try {
      var c = Cluster.client();
      assertEquals(8080, c.services().inNamespace(ns).withName("svc").get().getSpec().getPorts().get(0)
          .getTargetPort().getIntVal());
      assertEquals("Never", c.batch().v1().jobs().inNamespace(ns).withName("once").get().getSpec().getTemplate()
          .getSpec().getRestartPolicy());
      assertEquals("alice", c.rbac().roleBindings().inNamespace(ns).withName("reader").get().getSubjects().get(0)
          .getName());
      assertEquals("10", c.resourceQuotas().inNamespace(ns).withName("q").get().getSpec().getHard().get("pods")
          .toString());
      assertEquals(1000, c.scheduling().v1().priorityClasses().withName(pc).get().getValue());
    } finally {
      kubectl.run("delete", "priorityclass", pc).ok();
    }
  }

  @Conformance("cli.apply")
  @Test
  void clientSideApplyIsIdempotentAndRemovesDroppedFields(String ns) {
    kubectl.runWithInput(deployment("img:1", true), "apply", "-n", ns, "-f", "-").ok();
    // The deployment controller writes status meanwhile, so the spec's generation is what must stay put.
    Long generation = Cluster.client().apps().deployments().inNamespace(ns).withName("web").get().getMetadata()
        .getGeneration();
    String second = kubectl.runWithInput(deployment("img:1", true), "apply", "-n", ns, "-f", "-").ok().out();
    assertTrue(second.contains("unchanged"), second);
    assertEquals(generation, Cluster.client().apps().deployments().inNamespace(ns).withName("web").get()
        .getMetadata().getGeneration());
    kubectl.runWithInput(deployment("img:2", false), "apply", "-n", ns, "-f", "-").ok();
    Deployment d = Cluster.client().apps().deployments().inNamespace(ns).withName("web").get();
    assertEquals("img:2", d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
    assertEquals(1, d.getSpec().getReplicas(), "replicas removed from the file falls back to the default");
  }

  @Conformance({"api-machinery.server-side-apply", "cli.apply"})
  @Test
  void serverSideApply(String ns) {
    String out = kubectl.runWithInput(deployment("img:1", true), "apply", "--server-side", "-n", ns, "-f", "-")
        .ok().out();
    assertTrue(out.contains("serverside-applied"), out);
    kubectl.runWithInput(deployment("img:3", true), "apply", "--server-side", "-n", ns, "-f", "-").ok();
    assertEquals("img:3", Cluster.client().apps().deployments().inNamespace(ns).withName("web").get().getSpec()
        .getTemplate().getSpec().getContainers().get(0).getImage());
    String fields = kubectl.run("get", "deploy", "web", "-n", ns, "-o", "yaml", "--show-managed-fields").ok().out();
    assertTrue(fields.contains("manager: kubectl") && fields.contains("operation: Apply")
        && fields.contains("k:{\"name\":\"app\"}"), fields);
    kubectl.run("patch", "deploy", "web", "-n", ns, "-p", "{\"spec\":{\"replicas\":5}}").ok();
    String conflict = kubectl.runWithInput(deployment("img:3", true), "apply", "--server-side", "-n", ns, "-f", "-")
        .fails().err();
    assertTrue(conflict.contains("Apply failed with 1 conflict") && conflict.contains(".spec.replicas"), conflict);
    kubectl.runWithInput(deployment("img:3", true), "apply", "--server-side", "--force-conflicts", "-n", ns, "-f",
        "-").ok();
    assertEquals(2, Cluster.client().apps().deployments().inNamespace(ns).withName("web").get().getSpec()
        .getReplicas());
    // A resourceVersion in the applied configuration is a precondition, as for every patch.
    kubectl.run("create", "configmap", "ssa-rv", "-n", ns, "--from-literal=k=v").ok();
    String stale = kubectl.runWithInput(configMapAt("1", "stale"), "apply", "--server-side", "--force-conflicts",
        "-n", ns, "-f", "-").fails().err();
    assertTrue(stale.contains("the object has been modified"), stale);
    assertEquals("v", Cluster.client().configMaps().inNamespace(ns).withName("ssa-rv").get().getData().get("k"));
    String rv = Cluster.client().configMaps().inNamespace(ns).withName("ssa-rv").get().getMetadata()
        .getResourceVersion();
    kubectl.runWithInput(configMapAt(rv, "fresh"), "apply", "--server-side", "--force-conflicts", "-n", ns, "-f", "-")
        .ok();
    assertEquals("fresh", Cluster.client().configMaps().inNamespace(ns).withName("ssa-rv").get().getData().get("k"));
  }

  private static String configMapAt(String resourceVersion, String value) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"ssa-rv\",\"resourceVersion\":\""
        + resourceVersion + "\"},\"data\":{\"k\":\"" + value + "\"}}";
  }

  @Conformance("cli.patch")
  @Test
  void patchesOfEveryType(String ns) {
    kubectl.runWithInput(deployment("img:1", true), "create", "-n", ns, "-f", "-").ok();
    kubectl.run("patch", "deploy", "web", "-n", ns, "-p", "{\"spec\":{\"replicas\":4}}").ok();
    kubectl.run("patch", "deploy", "web", "-n", ns, "--type=merge", "-p",
        "{\"metadata\":{\"labels\":{\"x\":\"y\"}}}").ok();
    kubectl.run("patch", "deploy", "web", "-n", ns, "--type=json", "-p",
        "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/image\",\"value\":\"img:9\"}]").ok();
    Deployment d = Cluster.client().apps().deployments().inNamespace(ns).withName("web").get();
    assertEquals(4, d.getSpec().getReplicas());
    assertEquals("y", d.getMetadata().getLabels().get("x"));
    assertEquals("img:9", d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
    kubectl.run("set", "image", "deployment/web", "app=img:10", "-n", ns).ok();
    kubectl.run("rollout", "restart", "deployment/web", "-n", ns).ok();
    d = Cluster.client().apps().deployments().inNamespace(ns).withName("web").get();
    assertEquals("img:10", d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
    assertTrue(d.getSpec().getTemplate().getMetadata().getAnnotations()
        .containsKey("kubectl.kubernetes.io/restartedAt"));
    String bad = kubectl.run("patch", "deploy", "web", "-n", ns, "--type=json", "-p",
        "[{\"op\":\"test\",\"path\":\"/spec/replicas\",\"value\":1}]").fails().err();
    assertTrue(bad.contains("the server rejected our request"), bad);
    // A resourceVersion in a patch is a precondition (kubectl sends it in a merge patch). A ConfigMap: nothing else
    // writes it meanwhile, as the deployment controller does the Deployment.
    kubectl.run("create", "configmap", "rv", "-n", ns, "--from-literal=k=v").ok();
    String stale = kubectl.run("label", "configmap", "rv", "-n", ns, "stale=yes", "--resource-version=1").fails()
        .err();
    assertTrue(stale.contains("the object has been modified"), stale);
    String rv = Cluster.client().configMaps().inNamespace(ns).withName("rv").get().getMetadata().getResourceVersion();
    kubectl.run("label", "configmap", "rv", "-n", ns, "fresh=yes", "--resource-version=" + rv).ok();
    var labels = Cluster.client().configMaps().inNamespace(ns).withName("rv").get().getMetadata().getLabels();
    assertEquals("yes", labels.get("fresh"));
    assertTrue(!labels.containsKey("stale"), "the stale patch changed nothing");
  }

  @Conformance({"cli.diff", "cli.replace", "cli.apply"})
  @Test
  void editDiffReplaceAndDeleteBySelector(String ns) throws IOException {
    kubectl.runWithInput(deployment("img:1", true), "apply", "-n", ns, "-f", "-").ok();
    Path editor = Files.createTempFile("editor", ".sh",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Files.writeString(editor, "#!/bin/sh\nsed -i 's/image: img:1/image: img:edited/' \"$1\"\n");
    try {
      ProcessBuilder pb = new ProcessBuilder("kubectl", "--kubeconfig", Cluster.kubeconfig().toString(), "edit",
          "deploy/web", "-n", ns).redirectErrorStream(true);
      pb.environment().put("EDITOR", editor.toString());
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes());
      assertEquals(0, p.waitFor(), out);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    } finally {
      Files.deleteIfExists(editor);
    }
    assertEquals("img:edited", Cluster.client().apps().deployments().inNamespace(ns).withName("web").get()
        .getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
    Kubectl.Result diff = kubectl.runWithInput(deployment("img:2", true), "diff", "-n", ns, "-f", "-");
    assertEquals(1, diff.exitCode(), diff.out() + diff.err());
    assertTrue(diff.out().contains("img:2"), diff.out());
    // replace reads the live resourceVersion and PUTs with it: a controller's status write in between is a 409
    // (as upstream), so settle first and retry the race
    awaitSettled(ns, "web");
    awaitOk(() -> kubectl.runWithInput(deployment("img:2", true), "replace", "-n", ns, "-f", "-"));
    // The deployment controller writes status after the replace; diff compares against a settled object.
    awaitSettled(ns, "web");
    Kubectl.Result same = kubectl.runWithInput(deployment("img:2", true), "diff", "-n", ns, "-f", "-");
    assertEquals(0, same.exitCode(), same.out());
    kubectl.run("create", "configmap", "a", "-n", ns).ok();
    kubectl.run("label", "cm", "a", "app=x", "-n", ns).ok();
    kubectl.run("create", "configmap", "b", "-n", ns).ok();
    kubectl.run("delete", "cm", "-l", "app=x", "-n", ns).ok();
    assertNull(Cluster.client().configMaps().inNamespace(ns).withName("a").get());
    assertFalse(Cluster.client().configMaps().inNamespace(ns).withName("b").get() == null);
  }

  @Conformance("api-machinery.field-validation")
  @Test
  void strictFieldValidationNamesTheUnknownField(String ns) {
    String err = kubectl.runWithInput(deployment("img:1", true).replace("replicas: 2", "replicass: 2"), "create",
        "-n", ns, "-f", "-").fails().err();
    assertTrue(err.contains("unknown field \"spec.replicass\""), err);
  }

  @Conformance("api-machinery.crd-lifecycle")
  @Test
  void customResourcesComeAndGoWithTheirDefinition(String ns) {
    String crd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: gadgets.e2e.quarkube.io
        spec:
          group: e2e.quarkube.io
          scope: Namespaced
          names: {plural: gadgets, singular: gadget, kind: Gadget}
          versions:
          - name: v1
            served: true
            storage: true
            subresources:
              status: {}
              scale: {specReplicasPath: .spec.size, statusReplicasPath: .status.count}
            additionalPrinterColumns:
            - {name: Size, type: integer, jsonPath: .spec.size}
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    properties:
                      size: {type: integer, default: 1, maximum: 10, description: How big the gadget is.}
        """;
    kubectl.runWithInput(crd, "apply", "-f", "-").ok();
    try {
      kubectl.run("wait", "--for=condition=Established", "crd/gadgets.e2e.quarkube.io", "--timeout=30s").ok();
      String cr = "apiVersion: e2e.quarkube.io/v1\nkind: Gadget\nmetadata: {name: g1}\nspec: {size: 3}\n";
      awaitOk(() -> kubectl.runWithInput(cr, "apply", "-n", ns, "-f", "-"));
      kubectl.runWithInput("apiVersion: e2e.quarkube.io/v1\nkind: Gadget\nmetadata: {name: g2}\nspec: {}\n",
          "create", "-n", ns, "-f", "-").ok();
      // kubectl explain reads the CRD's own schema from the group version's OpenAPI v3 document
      String explained = kubectl.run("explain", "gadgets.spec").ok().out();
      assertTrue(explained.contains("size") && explained.contains("<integer>")
          && explained.contains("How big the gadget is."), explained);
      String list = kubectl.run("get", "gadgets", "-n", ns).ok().out();
      assertTrue(list.contains("SIZE") && list.lines().anyMatch(l -> l.startsWith("g1") && l.contains("3"))
          && list.lines().anyMatch(l -> l.startsWith("g2") && l.contains("1")), list);
      // the scale subresource reads and writes the CRD's own paths
      kubectl.run("scale", "gadget", "g1", "-n", ns, "--replicas=7").ok();
      assertEquals("7", kubectl.run("get", "gadget", "g1", "-n", ns, "-o", "jsonpath={.spec.size}").ok().out().trim());
      String tooBig = kubectl.runWithInput("apiVersion: e2e.quarkube.io/v1\nkind: Gadget\nmetadata: {name: g3}\n"
          + "spec: {size: 50}\n", "create", "-n", ns, "-f", "-").fails().err();
      assertTrue(tooBig.contains("spec.size") && tooBig.contains("10"), tooBig);
      String unknown = kubectl.runWithInput("apiVersion: e2e.quarkube.io/v1\nkind: Gadget\nmetadata: {name: g4}\n"
          + "spec: {colour: red}\n", "create", "-n", ns, "-f", "-").fails().err();
      assertTrue(unknown.contains("unknown field \"spec.colour\""), unknown);
    } finally {
      kubectl.run("delete", "crd", "gadgets.e2e.quarkube.io").ok();
    }
    assertTrue(kubectl.run("get", "gadgets", "-n", ns).exitCode() != 0);
  }

  @Conformance("cli.kubectl-versions")
  @ParameterizedTest(name = "{0}")
  @KubectlVersions
  void olderAndNewerKubectlSmoke(Kubectl other, String ns) {
    other.runWithInput(deployment("img:1", true), "apply", "-n", ns, "-f", "-").ok();
    other.run("create", "configmap", "cm", "--from-literal=a=b", "-n", ns).ok();
    String table = other.run("get", "deploy,cm", "-n", ns).ok().out();
    assertTrue(table.contains("web") && table.contains("cm"), table);
    other.run("scale", "deploy/web", "--replicas=3", "-n", ns).ok();
    other.run("delete", "cm", "cm", "-n", ns).ok();
    assertEquals(List.of(), Cluster.client().configMaps().inNamespace(ns).list().getItems().stream()
        .filter(c -> c.getMetadata().getName().equals("cm")).toList());
  }

  private static void awaitSettled(String ns, String name) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      Deployment d = Cluster.client().apps().deployments().inNamespace(ns).withName(name).get();
      if (d.getStatus() != null && java.util.Objects.equals(d.getStatus().getObservedGeneration(),
          d.getMetadata().getGeneration())) {
        String rv = d.getMetadata().getResourceVersion();
        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000_000L);
        if (rv.equals(Cluster.client().apps().deployments().inNamespace(ns).withName(name).get().getMetadata()
            .getResourceVersion())) {
          return;
        }
      }
      java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L);
    }
    throw new AssertionError("deployment " + name + " never settled");
  }

  private static void awaitOk(java.util.function.Supplier<Kubectl.Result> action) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    Kubectl.Result last = null;
    while (System.nanoTime() < deadline) {
      last = action.get();
      if (last.exitCode() == 0) {
        return;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L);
    }
    last.ok();
  }
}
