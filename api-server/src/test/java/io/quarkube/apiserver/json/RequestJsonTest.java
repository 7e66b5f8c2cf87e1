package io.quarkube.apiserver.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.quarkube.apiserver.errors.ApiException;
import org.junit.jupiter.api.Test;

class RequestJsonTest {
  private static <T> T convert(String json, Class<T> type) {
    return RequestJson.convert(Json.parse(json.getBytes()), type, type.getSimpleName(), "v1");
  }

  private static String refused(String json, Class<?> type) {
    ApiException e = assertThrows(ApiException.class, () -> convert(json, type));
    assertEquals(400, e.code());
    assertEquals("BadRequest", e.reason());
    return e.getMessage();
  }

  @Test
  void numbersAndBooleansAreNotStringsAsInGo() {
    assertEquals("Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal number into Go struct "
        + "field EnvVar.spec.containers.env.value of type string", refused("""
        {"spec":{"containers":[{"name":"c","image":"i","env":[{"name":"A","value":5}]}]}}""", Pod.class));
    assertEquals("ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal bool into Go "
        + "struct field ConfigMap.data of type string", refused("{\"data\":{\"k\":true}}", ConfigMap.class));
    assertEquals("ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal number into "
        + "Go struct field ObjectMeta.metadata.labels of type string",
        refused("{\"metadata\":{\"name\":\"x\",\"labels\":{\"a\":1}}}", ConfigMap.class));
  }

  @Test
  void stringsAreNotNumbersOrBooleansAndFractionsAreNotIntegers() {
    assertEquals("Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string into "
        + "Go struct field DeploymentSpec.spec.replicas of type int32",
        refused("{\"spec\":{\"replicas\":\"3\"}}", Deployment.class));
    refused("{\"spec\":{\"replicas\":1.5}}", Deployment.class);
    refused("{\"spec\":{\"automountServiceAccountToken\":\"true\"}}", Pod.class);
    refused("{\"spec\":{\"automountServiceAccountToken\":1}}", Pod.class);
  }

  @Test
  void typesThatTakeEitherStayLenient() {
    Pod pod = convert("""
        {"spec":{"containers":[{"name":"c","image":"i","resources":{"requests":{"cpu":1,"memory":"1Gi"}},
         "ports":[{"containerPort":80}],"livenessProbe":{"httpGet":{"port":"http"}}}]}}""", Pod.class);
    assertEquals("1", pod.getSpec().getContainers().get(0).getResources().getRequests().get("cpu").toString());
    Service svc = convert("{\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":8080},{\"port\":81,\"targetPort\":\"x\"}]}}",
        Service.class);
    assertEquals(8080, svc.getSpec().getPorts().get(0).getTargetPort().getIntVal());
    assertEquals("x", svc.getSpec().getPorts().get(1).getTargetPort().getStrVal());
  }
}
