package io.quarkube.apiserver.table;

import static io.quarkube.apiserver.table.Rows.cells;
import static io.quarkube.apiserver.table.Rows.header;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code kubectl get hpa} as upstream's printHorizontalPodAutoscaler prints it, for both versions. */
class AutoscalingPrintersTest {

  @Test
  void columnsAndTargets() {
    assertEquals(List.of("Name", "Reference", "Targets", "MinPods", "MaxPods", "Replicas", "Age"),
        header("autoscaling", "horizontalpodautoscalers"));
    assertEquals("['x','Deployment/web','cpu: <unknown>/50%','1',3,0,'5m']", cells("autoscaling",
        "horizontalpodautoscalers", "{'apiVersion':'autoscaling/v2','spec':{'scaleTargetRef':{'kind':'Deployment',"
            + "'name':'web'},'minReplicas':1,'maxReplicas':3,'metrics':[{'type':'Resource','resource':{'name':'cpu',"
            + "'target':{'type':'Utilization','averageUtilization':50}}}]}}"));
    assertEquals("['x','Deployment/web','cpu: 45%/50%, memory: 10Mi/100Mi + 1 more...','<unset>',3,2,'5m']",
        cells("autoscaling", "horizontalpodautoscalers", "{'apiVersion':'autoscaling/v2','spec':{'scaleTargetRef':"
            + "{'kind':'Deployment','name':'web'},'maxReplicas':3,'metrics':[{'type':'Resource','resource':"
            + "{'name':'cpu','target':{'type':'Utilization','averageUtilization':50}}},{'type':'Resource',"
            + "'resource':{'name':'memory','target':{'type':'AverageValue','averageValue':'100Mi'}}},"
            + "{'type':'Pods','pods':{'metric':{'name':'qps'},'target':{'type':'AverageValue','averageValue':'1'}}}]},"
            + "'status':{'currentReplicas':2,'currentMetrics':[{'type':'Resource','resource':{'name':'cpu',"
            + "'current':{'averageUtilization':45,'averageValue':'9m'}}},{'type':'Resource','resource':"
            + "{'name':'memory','current':{'averageValue':'10Mi'}}}]}}"));
    assertEquals("['x','ReplicaSet/rs','<none>','1',3,0,'5m']", cells("autoscaling", "horizontalpodautoscalers",
        "{'apiVersion':'autoscaling/v2','spec':{'scaleTargetRef':{'kind':'ReplicaSet','name':'rs'},'minReplicas':1,"
            + "'maxReplicas':3}}"));
  }

  @Test
  void v1ObjectsPrintAsTheirV2Form() {
    assertEquals("['x','Deployment/web','cpu: 45%/50%','1',3,2,'5m']", cells("autoscaling",
        "horizontalpodautoscalers", "{'apiVersion':'autoscaling/v1','spec':{'scaleTargetRef':{'kind':'Deployment',"
            + "'name':'web'},'minReplicas':1,'maxReplicas':3,'targetCPUUtilizationPercentage':50},'status':"
            + "{'currentReplicas':2,'desiredReplicas':2,'currentCPUUtilizationPercentage':45}}"));
  }
}
