package io.quarkube.machinery.patch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KubernetesPatchMetaTest {

    /** Tags as written in k8s.io/api types.go; "-" is no tag. */
    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', value = {
        "apps/v1 | Deployment  | spec.template.spec.containers                      | merge            | name",
        "apps/v1 | Deployment  | spec.template.spec.containers.ports                | merge            | containerPort",
        "apps/v1 | Deployment  | spec.template.spec.containers.env                  | merge            | name",
        "apps/v1 | Deployment  | spec.template.spec.containers.envFrom              | -                | -",
        "apps/v1 | Deployment  | spec.template.spec.containers.volumeMounts         | merge            | mountPath",
        "apps/v1 | Deployment  | spec.template.spec.containers.resizePolicy         | -                | -",
        "apps/v1 | Deployment  | spec.template.spec.initContainers                  | merge            | name",
        "apps/v1 | Deployment  | spec.template.spec.volumes                         | merge,retainKeys | name",
        "apps/v1 | Deployment  | spec.template.spec.imagePullSecrets                | merge            | name",
        "apps/v1 | Deployment  | spec.template.spec.hostAliases                     | merge            | ip",
        "apps/v1 | Deployment  | spec.template.spec.topologySpreadConstraints       | merge            | topologyKey",
        "apps/v1 | Deployment  | spec.template.spec.resourceClaims                  | merge,retainKeys | name",
        "apps/v1 | Deployment  | spec.template.spec.tolerations                     | -                | -",
        "apps/v1 | Deployment  | spec.template.metadata.finalizers                  | merge            | -",
        "apps/v1 | Deployment  | spec.strategy                                      | retainKeys       | -",
        "apps/v1 | Deployment  | status.conditions                                  | merge            | type",
        "apps/v1 | Deployment  | metadata.finalizers                                | merge            | -",
        "apps/v1 | Deployment  | metadata.ownerReferences                           | merge            | uid",
        "apps/v1 | Deployment  | metadata.labels                                    | -                | -",
        "apps/v1 | StatefulSet | spec.template.spec.containers                      | merge            | name",
        "apps/v1 | DaemonSet   | status.conditions                                  | merge            | type",
        "apps/v1 | ReplicaSet  | spec.template.spec.containers.env                  | merge            | name",
        "batch/v1 | Job        | spec.template.spec.containers                      | merge            | name",
        "batch/v1 | CronJob    | spec.jobTemplate.spec.template.spec.containers     | merge            | name",
        "batch/v1 | Job        | status.conditions                                  | merge            | type",
        "v1      | Pod         | spec.containers                                    | merge            | name",
        "v1      | Pod         | spec.ephemeralContainers                           | merge            | name",
        "v1      | Pod         | status.conditions                                  | merge            | type",
        "v1      | Pod         | status.podIPs                                      | merge            | ip",
        "v1      | Service     | spec.ports                                         | merge            | port",
        "v1      | Node        | status.conditions                                  | merge            | type",
        "v1      | Node        | status.addresses                                   | merge            | type",
        "v1      | Node        | spec.taints                                        | -                | -",
        "v1      | Node        | spec.podCIDRs                                      | merge            | -",
        "v1      | ServiceAccount | secrets                                         | merge            | name",
        "v1      | ReplicationController | spec.template.spec.containers            | merge            | name",
        "policy/v1 | PodDisruptionBudget | spec.selector                            | replace          | -",
        "apiextensions.k8s.io/v1 | CustomResourceDefinition | spec.versions.schema.openAPIV3Schema.x-kubernetes-validations | merge | rule",
    })
    void tagsMatchUpstream(String apiVersion, String kind, String path, String strategy, String mergeKey) {
        FieldPatchMeta expected = FieldPatchMeta.parse("-".equals(strategy) ? "" : strategy,
                "-".equals(mergeKey) ? "" : mergeKey);
        PatchMeta meta = KubernetesPatchMeta.forKind(apiVersion, kind).orElseThrow();
        assertEquals(expected, meta.lookup(Arrays.asList(path.split("\\."))));
    }

    @Test
    void unknownKindsAndPathsHaveNoTags() {
        assertTrue(KubernetesPatchMeta.forKind("example.com/v1", "Widget").isEmpty());
        PatchMeta pod = KubernetesPatchMeta.forKind("v1", "Pod").orElseThrow();
        assertEquals(FieldPatchMeta.NONE, pod.lookup(Arrays.asList("spec", "nonsense", "containers")));
        assertEquals(FieldPatchMeta.NONE, pod.lookup(Arrays.asList()));
    }

    @Test
    void kindIsReadFromTheObject() {
        assertTrue(KubernetesPatchMeta.forObject(JsonTestSupport.json("{'apiVersion':'apps/v1','kind':'Deployment'}"))
                .isPresent());
        assertTrue(KubernetesPatchMeta.kinds().contains("v1 ConfigMap"));
        assertTrue(KubernetesPatchMeta.kinds().contains("autoscaling/v2 HorizontalPodAutoscaler"));
    }
}
