package io.quarkube.machinery.apply;

import static io.quarkube.machinery.apply.Json.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkube.machinery.patch.FieldPatchMeta;
import io.quarkube.machinery.patch.KubernetesPatchMeta;
import io.quarkube.machinery.patch.PatchStrategy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SchemaTest {

    private static List<String> path(String dotted) {
        return Arrays.asList(dotted.split("\\."));
    }

    /** x-kubernetes-list-type / -list-map-keys of upstream's OpenAPI ("-": not a list). */
    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', value = {
        "apps/v1  | Deployment  | spec.template.spec.containers                  | map[name]",
        "apps/v1  | Deployment  | spec.template.spec.containers.ports            | map[containerPort, protocol]",
        "apps/v1  | Deployment  | spec.template.spec.containers.env              | map[name]",
        "apps/v1  | Deployment  | spec.template.spec.containers.envFrom          | atomic",
        "apps/v1  | Deployment  | spec.template.spec.containers.volumeMounts     | map[mountPath]",
        "apps/v1  | Deployment  | spec.template.spec.containers.command          | atomic",
        "apps/v1  | Deployment  | spec.template.spec.volumes                     | map[name]",
        "apps/v1  | Deployment  | spec.template.spec.tolerations                 | atomic",
        "apps/v1  | Deployment  | spec.template.spec.imagePullSecrets            | map[name]",
        "apps/v1  | Deployment  | spec.template.spec.topologySpreadConstraints   | map[topologyKey, whenUnsatisfiable]",
        "apps/v1  | Deployment  | spec.template.metadata.finalizers              | set",
        "apps/v1  | Deployment  | metadata.finalizers                            | set",
        "apps/v1  | Deployment  | metadata.ownerReferences                       | map[uid]",
        "apps/v1  | Deployment  | metadata.managedFields                         | atomic",
        "apps/v1  | Deployment  | status.conditions                              | map[type]",
        "apps/v1  | StatefulSet | spec.volumeClaimTemplates                      | atomic",
        "apps/v1  | DaemonSet   | status.conditions                              | map[type]",
        "batch/v1 | Job         | status.conditions                              | atomic",
        "batch/v1 | CronJob     | spec.jobTemplate.spec.template.spec.containers | map[name]",
        "v1       | Pod         | spec.containers                                | map[name]",
        "v1       | Pod         | spec.initContainers                            | map[name]",
        "v1       | Pod         | spec.ephemeralContainers                       | map[name]",
        "v1       | Pod         | status.conditions                              | map[type]",
        "v1       | Pod         | status.containerStatuses                       | atomic",
        "v1       | Pod         | status.podIPs                                  | map[ip]",
        "v1       | Service     | spec.ports                                     | map[port, protocol]",
        "v1       | Service     | spec.clusterIPs                                | atomic",
        "v1       | Node        | spec.taints                                    | atomic",
        "v1       | Node        | spec.podCIDRs                                  | set",
        "v1       | Node        | status.addresses                               | map[type]",
        "v1       | Node        | status.conditions                              | map[type]",
        "v1       | ServiceAccount | secrets                                     | map[name]",
        "v1       | Endpoints   | subsets                                        | atomic",
        "v1       | ConfigMap   | data                                           | -",
        "rbac.authorization.k8s.io/v1 | Role | rules                             | atomic",
        "apiextensions.k8s.io/v1 | CustomResourceDefinition | spec.versions     | atomic",
    })
    void listTypesMatchUpstream(String apiVersion, String kind, String path, String expected) {
        Schema s = Schema.builtIn(apiVersion, kind).orElseThrow();
        ListSemantics ls = s.listSemantics(path(path));
        assertEquals(expected, ls == null ? "-" : ls.toString());
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', value = {
        "apps/v1 | Deployment | metadata.labels                    | GRANULAR",
        "apps/v1 | Deployment | metadata.annotations               | GRANULAR",
        "apps/v1 | Deployment | spec                               | GRANULAR",
        "apps/v1 | Deployment | spec.selector                      | ATOMIC",
        "apps/v1 | Deployment | spec.template.spec.nodeSelector    | ATOMIC",
        "apps/v1 | Deployment | spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution | ATOMIC",
        "apps/v1 | Deployment | spec.template.spec.containers.env.valueFrom.secretKeyRef | ATOMIC",
        "apps/v1 | Deployment | spec.template.spec.containers.resources.limits | GRANULAR",
        "v1      | Service    | spec.selector                      | ATOMIC",
        "v1      | ConfigMap  | data                               | GRANULAR",
        "apps/v1 | ControllerRevision | data                       | ATOMIC",
    })
    void mapTypesMatchUpstream(String apiVersion, String kind, String path, MapType expected) {
        assertEquals(expected, Schema.builtIn(apiVersion, kind).orElseThrow().mapType(path(path)));
    }

    @Test
    void ownerReferencesAreAtomicItems() {
        Schema refs = Schema.builtIn("v1", "Pod").orElseThrow().at(path("metadata.ownerReferences"));
        assertEquals(MapType.ATOMIC, refs.items().mapType());
    }

    @Test
    void listMapKeysHaveUpstreamDefaults() {
        Schema port = Schema.builtIn("v1", "Service").orElseThrow().at(path("spec.ports")).items();
        assertEquals("\"TCP\"", port.defaultOf("protocol").toString());
        assertTrue(port.hasField("targetPort"));
        assertNull(port.defaultOf("port"));
    }

    @Test
    void everyKindOfThePatchTableHasASchema() {
        for (String k : KubernetesPatchMeta.kinds()) {
            String[] f = k.split(" ");
            assertTrue(Schema.builtIn(f[0], f[1]).isPresent(), k);
        }
    }

    /**
     * Upstream's OpenAPI conversion uses the patch merge key where no list type is set; where both exist they agree on
     * the first key. Checked against the strategic-merge table for a walk over common kinds.
     */
    @Test
    void agreesWithPatchMergeKeys() {
        List<String> mismatches = new ArrayList<>();
        String[][] kinds = {{"apps/v1", "Deployment"}, {"apps/v1", "StatefulSet"}, {"apps/v1", "DaemonSet"},
            {"batch/v1", "Job"}, {"batch/v1", "CronJob"}, {"v1", "Pod"}, {"v1", "Service"}, {"v1", "Node"}};
        for (String[] k : kinds) {
            Schema s = Schema.builtIn(k[0], k[1]).orElseThrow();
            walk(s, new ArrayList<>(), KubernetesPatchMeta.forKind(k[0], k[1]).orElseThrow(), mismatches, 0);
        }
        assertEquals(List.of(), mismatches);
    }

    private static void walk(Schema s, List<String> path, io.quarkube.machinery.patch.PatchMeta meta,
                             List<String> mismatches, int depth) {
        if (depth > 12) {
            return;
        }
        for (String f : s.fieldNames()) {
            if (path.isEmpty() && f.equals("metadata") && depth > 0) {
                continue;
            }
            List<String> p = new ArrayList<>(path);
            p.add(f);
            Schema child = s.field(f);
            ListSemantics ls = child.listSemantics();
            if (ls != null) {
                FieldPatchMeta pm = meta.lookup(p);
                if (pm.strategy() == PatchStrategy.MERGE && pm.hasMergeKey()) {
                    if (ls.type() == ListType.MAP && !ls.keys().contains(pm.mergeKey())) {
                        mismatches.add(String.join(".", p) + " " + ls + " vs " + pm.mergeKey());
                    }
                }
                child = child.items();
            }
            if (child.isMap() && !child.fieldNames().isEmpty()) {
                walk(child, p, meta, mismatches, depth + 1);
            }
        }
    }

    @Test
    void customResourcesFollowTheirOpenApiSchema() {
        Schema s = Schema.customResource(json("""
            {'type':'object','properties':{
              'spec':{'type':'object','properties':{
                'items':{'type':'array','x-kubernetes-list-type':'map','x-kubernetes-list-map-keys':['id','zone'],
                         'items':{'type':'object','properties':{'id':{'type':'string'},'zone':{'type':'string','default':'a'}}}},
                'tags':{'type':'array','x-kubernetes-list-type':'set','items':{'type':'string'}},
                'plain':{'type':'array','items':{'type':'string'}},
                'merged':{'type':'array','x-kubernetes-patch-strategy':'merge','x-kubernetes-patch-merge-key':'name',
                          'items':{'type':'object'}},
                'ref':{'type':'object','x-kubernetes-map-type':'atomic','properties':{'name':{'type':'string'}}},
                'free':{'type':'object','x-kubernetes-preserve-unknown-fields':true},
                'labels':{'type':'object','additionalProperties':{'type':'string'}},
                'port':{'x-kubernetes-int-or-string':true}}}}}
            """));
        assertEquals(ListSemantics.map("id", "zone"), s.listSemantics(path("spec.items")));
        assertEquals("\"a\"", s.at(path("spec.items")).items().defaultOf("zone").toString());
        assertEquals(ListSemantics.set(), s.listSemantics(path("spec.tags")));
        assertEquals(ListSemantics.atomic(), s.listSemantics(path("spec.plain")));
        assertEquals(ListSemantics.map("name"), s.listSemantics(path("spec.merged")));
        assertEquals(MapType.ATOMIC, s.mapType(path("spec.ref")));
        assertEquals(MapType.GRANULAR, s.mapType(path("spec.free.anything")));
        assertFalse(s.at(path("spec.labels")).hasField("x"));
        assertTrue(s.at(path("spec.port")).isScalar());
        // metadata is always ObjectMeta
        assertEquals(ListSemantics.map("uid"), s.listSemantics(path("metadata.ownerReferences")));
        assertEquals(ListSemantics.set(), s.listSemantics(path("metadata.finalizers")));
        assertTrue(s.hasField("apiVersion"));
    }

    @Test
    void unknownKindsAreDeducedWithObjectMeta() {
        Schema s = Schema.forObject(json("{'apiVersion':'example.com/v1','kind':'Widget'}"));
        assertEquals(MapType.GRANULAR, s.mapType(path("spec.anything")));
        assertEquals(ListSemantics.atomic(), s.listSemantics(path("spec.list")));
        assertEquals(ListSemantics.set(), s.listSemantics(path("metadata.finalizers")));
        assertSame(Schema.deduced(), Schema.deduced().field("x"));
    }

    /** Upstream's structured-merge-diff: a custom resource's closed objects refuse fields they do not declare. */
    @Test
    void undeclaredFieldsOfACustomResourceAreNamed() {
        Schema cr = Schema.customResource(json("""
            {"type": "object", "properties": {"spec": {"type": "object", "x-kubernetes-preserve-unknown-fields": true,
              "properties": {"foo": {"type": "string"}, "template": {"type": "object",
                "x-kubernetes-embedded-resource": true,
                "properties": {"metadata": {"type": "object", "properties": {"name": {"type": "string"}}}}}}}}}"""));
        assertEquals(List.of(".unknownField: field not declared in schema"), Typed.validate(json("""
            {"apiVersion": "g/v1", "kind": "K", "metadata": {"name": "n"}, "unknownField": 1,
             "spec": {"foo": "x", "anything": {"goes": 1}}}"""), cr, false));
        assertEquals(List.of(".spec.template.metadata.unknownSubMeta: field not declared in schema"),
            Typed.validate(json("""
            {"spec": {"template": {"apiVersion": "v1", "kind": "Sub",
              "metadata": {"name": "sub", "unknownSubMeta": 1}}}}"""), cr, false),
            "spec preserves unknown fields, its declared template does not; an embedded object has apiVersion/kind");
        assertTrue(Typed.validate(json("{\"spec\": {\"x\": 1}}"), Schema.customResource(null), false).isEmpty(),
            "no schema: anything goes");
        assertTrue(Typed.validate(json("""
            {"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"unknownSpecField": 1}}"""),
            Schema.builtIn("apps/v1", "Deployment").orElseThrow(), false).isEmpty(),
            "built-in structs leave unknown fields to the decoder");
    }
}
