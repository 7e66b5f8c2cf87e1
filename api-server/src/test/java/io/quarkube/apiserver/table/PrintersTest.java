package io.quarkube.apiserver.table;

import static io.quarkube.apiserver.table.Rows.cells;
import static io.quarkube.apiserver.table.Rows.header;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** One small object per printer, with the cells upstream's printer gives it. */
class PrintersTest {

  @Test
  void services() {
    assertEquals(List.of("Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector*"),
        header("", "services"));
    assertEquals("['x','ClusterIP','10.96.0.10','<none>','80/TCP','5m','app=web']", cells("", "services",
        "{'spec':{'type':'ClusterIP','clusterIPs':['10.96.0.10'],'ports':[{'port':80,'protocol':'TCP'}],"
            + "'selector':{'app':'web'}}}"));
    assertEquals("['x','NodePort','10.96.0.11','<none>','80:30080/TCP,53/UDP','5m','<none>']", cells("", "services",
        "{'spec':{'type':'NodePort','clusterIPs':['10.96.0.11'],'ports':[{'port':80,'nodePort':30080,"
            + "'protocol':'TCP'},{'port':53,'protocol':'UDP'}]}}"));
    assertEquals("<pending>", Rows.table("", "services", "{'spec':{'type':'LoadBalancer'}}")
        .at("/rows/0/cells/3").asText());
    assertEquals("1.2.3.4,5.6.7.8", Rows.table("", "services", "{'spec':{'type':'LoadBalancer',"
        + "'externalIPs':['5.6.7.8']},'status':{'loadBalancer':{'ingress':[{'ip':'1.2.3.4'}]}}}")
        .at("/rows/0/cells/3").asText());
    assertEquals("['x','ExternalName','<none>','example.com','<none>','5m','<none>']", cells("", "services",
        "{'spec':{'type':'ExternalName','externalName':'example.com'}}"));
  }

  @Test
  void componentStatuses() {
    assertEquals(List.of("Name", "Status", "Message", "Error"), header("", "componentstatuses"));
    assertEquals("['x','Healthy','ok','']", cells("", "componentstatuses",
        "{'conditions':[{'type':'Healthy','status':'True','message':'ok'}]}"));
    assertEquals("['x','Unhealthy','','etcd down']", cells("", "componentstatuses",
        "{'conditions':[{'type':'Healthy','status':'False','error':'etcd down'}]}"));
    assertEquals("['x','Unknown','','']", cells("", "componentstatuses", "{}"));
  }

  @Test
  void runtimeClasses() {
    assertEquals(List.of("Name", "Handler", "Age"), header("node.k8s.io", "runtimeclasses"));
    assertEquals("['x','runc','5m']", cells("node.k8s.io", "runtimeclasses", "{'handler':'runc'}"));
  }

  @Test
  void csiDrivers() {
    assertEquals(List.of("Name", "AttachRequired", "PodInfoOnMount", "StorageCapacity", "TokenRequests",
        "RequiresRepublish", "Modes", "Age"), header("storage.k8s.io", "csidrivers"));
    assertEquals("['x',true,false,false,'<unset>',false,'<none>','5m']", cells("storage.k8s.io", "csidrivers",
        "{'spec':{}}"));
    assertEquals("['x',false,true,true,'a,b',true,'Persistent,Ephemeral','5m']", cells("storage.k8s.io",
        "csidrivers", "{'spec':{'attachRequired':false,'podInfoOnMount':true,'storageCapacity':true,"
            + "'tokenRequests':[{'audience':'a'},{'audience':'b'}],'requiresRepublish':true,"
            + "'volumeLifecycleModes':['Persistent','Ephemeral']}}"));
  }

  @Test
  void csiNodesVolumeAttachmentsAndStorageCapacities() {
    assertEquals(List.of("Name", "Drivers", "Age"), header("storage.k8s.io", "csinodes"));
    assertEquals("['x',2,'5m']", cells("storage.k8s.io", "csinodes",
        "{'spec':{'drivers':[{'name':'a','nodeID':'n'},{'name':'b','nodeID':'n'}]}}"));
    assertEquals("['x',0,'5m']", cells("storage.k8s.io", "csinodes", "{'spec':{}}"));
    assertEquals(List.of("Name", "Attacher", "PV", "Node", "Attached", "Age"),
        header("storage.k8s.io", "volumeattachments"));
    assertEquals("['x','csi.example.com','pv-1','n1',true,'5m']", cells("storage.k8s.io", "volumeattachments",
        "{'spec':{'attacher':'csi.example.com','nodeName':'n1','source':{'persistentVolumeName':'pv-1'}},"
            + "'status':{'attached':true}}"));
    assertEquals("['x','csi.example.com','','n1',false,'5m']", cells("storage.k8s.io", "volumeattachments",
        "{'spec':{'attacher':'csi.example.com','nodeName':'n1','source':{'inlineVolumeSpec':{}}}}"));
    // upstream's table of capacities has no Age
    assertEquals(List.of("Name", "StorageClassName", "Capacity"), header("storage.k8s.io", "csistoragecapacities"));
    assertEquals("['x','standard','10Gi']", cells("storage.k8s.io", "csistoragecapacities",
        "{'storageClassName':'standard','capacity':'10Gi'}"));
    assertEquals("['x','standard','<unset>']", cells("storage.k8s.io", "csistoragecapacities",
        "{'storageClassName':'standard'}"));
  }

  @Test
  void admissionPolicies() {
    assertEquals(List.of("Name", "Validations", "ParamKind", "Age"),
        header("admissionregistration.k8s.io", "validatingadmissionpolicies"));
    assertEquals("['x',2,'<unset>','5m']", cells("admissionregistration.k8s.io", "validatingadmissionpolicies",
        "{'spec':{'validations':[{},{}]}}"));
    assertEquals("['x',0,'v1/ConfigMap','5m']", cells("admissionregistration.k8s.io",
        "validatingadmissionpolicies", "{'spec':{'paramKind':{'apiVersion':'v1','kind':'ConfigMap'}}}"));
    assertEquals(List.of("Name", "PolicyName", "ParamRef", "Age"),
        header("admissionregistration.k8s.io", "validatingadmissionpolicybindings"));
    assertEquals("['x','p','<unset>','5m']", cells("admissionregistration.k8s.io",
        "validatingadmissionpolicybindings", "{'spec':{'policyName':'p'}}"));
    assertEquals("['x','p','*/limits','5m']", cells("admissionregistration.k8s.io",
        "validatingadmissionpolicybindings", "{'spec':{'policyName':'p','paramRef':{'name':'limits'}}}"));
    assertEquals("['x','p','&LabelSelector{MatchLabels:map[string]string{a: b,},MatchExpressions:"
        + "[]LabelSelectorRequirement{},}','5m']", cells("admissionregistration.k8s.io",
        "validatingadmissionpolicybindings", "{'spec':{'policyName':'p','paramRef':{'selector':"
        + "{'matchLabels':{'a':'b'}}}}}"));
  }

  @Test
  void deployments() {
    assertEquals(List.of("Name", "Ready", "Up-to-date", "Available", "Age", "Containers*", "Images*", "Selector*"),
        header("apps", "deployments"));
    assertEquals("['x','2/3',3,2,'5m','web,side','nginx:1.25,busybox','app=web']", cells("apps", "deployments",
        "{'spec':{'replicas':3,'selector':{'matchLabels':{'app':'web'}},'template':{'spec':{'containers':["
            + "{'name':'web','image':'nginx:1.25'},{'name':'side','image':'busybox'}]}}},"
            + "'status':{'readyReplicas':2,'updatedReplicas':3,'availableReplicas':2}}"));
  }

  @Test
  void replicaSetsAndSelectors() {
    assertEquals(List.of("Name", "Desired", "Current", "Ready", "Age", "Containers*", "Images*", "Selector*"),
        header("apps", "replicasets"));
    assertEquals("['x',3,3,2,'5m','web','nginx','app=web,!canary,tier in (a,b)']", cells("apps", "replicasets",
        "{'spec':{'replicas':3,'selector':{'matchLabels':{'app':'web'},'matchExpressions':[{'key':'tier',"
            + "'operator':'In','values':['b','a']},{'key':'canary','operator':'DoesNotExist'}]},"
            + "'template':{'spec':{'containers':[{'name':'web','image':'nginx'}]}}},"
            + "'status':{'replicas':3,'readyReplicas':2}}"));
  }

  @Test
  void statefulSetsAndDaemonSets() {
    assertEquals(List.of("Name", "Ready", "Age", "Containers*", "Images*"), header("apps", "statefulsets"));
    assertEquals("['x','1/2','5m','db','postgres']", cells("apps", "statefulsets", "{'spec':{'replicas':2,"
        + "'template':{'spec':{'containers':[{'name':'db','image':'postgres'}]}}},'status':{'readyReplicas':1}}"));
    assertEquals(List.of("Name", "Desired", "Current", "Ready", "Up-to-date", "Available", "Node Selector", "Age",
        "Containers*", "Images*", "Selector*"), header("apps", "daemonsets"));
    assertEquals("['x',3,3,2,3,2,'kubernetes.io/os=linux','5m','c','img','app=ds']", cells("apps", "daemonsets",
        "{'spec':{'selector':{'matchLabels':{'app':'ds'}},'template':{'spec':{'nodeSelector':"
            + "{'kubernetes.io/os':'linux'},'containers':[{'name':'c','image':'img'}]}}},'status':{"
            + "'desiredNumberScheduled':3,'currentNumberScheduled':3,'numberReady':2,'updatedNumberScheduled':3,"
            + "'numberAvailable':2}}"));
  }

  @Test
  void jobsAndCronJobs() {
    assertEquals(List.of("Name", "Status", "Completions", "Duration", "Age", "Containers*", "Images*", "Selector*"),
        header("batch", "jobs"));
    assertEquals("['x','Complete','1/1','30s','5m','c','busybox','batch.kubernetes.io/controller-uid=abc']",
        cells("batch", "jobs", "{'spec':{'completions':1,'selector':{'matchLabels':"
            + "{'batch.kubernetes.io/controller-uid':'abc'}},'template':{'spec':{'containers':[{'name':'c',"
            + "'image':'busybox'}]}}},'status':{'succeeded':1,'startTime':'2024-05-01T11:56:00Z',"
            + "'completionTime':'2024-05-01T11:56:30Z','conditions':[{'type':'Complete','status':'True'}]}}"));
    assertEquals("['x','Running','0/1 of 2','3m','5m','','','<none>']", cells("batch", "jobs",
        "{'spec':{'parallelism':2},'status':{'startTime':'2024-05-01T11:57:00Z'}}"));
    assertEquals("['x','Failed','0/1','','5m','','','<none>']", cells("batch", "jobs",
        "{'status':{'conditions':[{'type':'Complete','status':'False'},{'type':'Failed','status':'True'}]}}"));
    assertEquals(List.of("Name", "Schedule", "Timezone", "Suspend", "Active", "Last Schedule", "Age", "Containers*",
        "Images*", "Selector*"), header("batch", "cronjobs"));
    assertEquals("['x','*/5 * * * *','<none>','False',1,'5m','5m','c','busybox','<none>']", cells("batch",
        "cronjobs", "{'spec':{'schedule':'*/5 * * * *','suspend':false,'jobTemplate':{'spec':{'template':{'spec':"
            + "{'containers':[{'name':'c','image':'busybox'}]}}}}},'status':{'active':[{'name':'j1'}],"
            + "'lastScheduleTime':'2024-05-01T11:55:00Z'}}"));
    assertEquals("['x','@daily','Europe/Paris','<unset>',0,'<none>','5m','','','<none>']", cells("batch",
        "cronjobs", "{'spec':{'schedule':'@daily','timeZone':'Europe/Paris'}}"));
  }

  @Test
  void namespacesAndNodes() {
    assertEquals("['x','Active','5m']", cells("", "namespaces", "{'status':{'phase':'Active'}}"));
    assertEquals(List.of("Name", "Status", "Roles", "Age", "Version", "Internal-IP*", "External-IP*", "OS-Image*",
        "Kernel-Version*", "Container-Runtime*"), header("", "nodes"));
    assertEquals("['x','Ready,SchedulingDisabled','control-plane,worker','5m','v1.32.4','10.0.0.5','<none>',"
        + "'Debian GNU/Linux 12','6.1.0','containerd://1.7.24']", cells("", "nodes",
        "{'metadata':{'labels':{'node-role.kubernetes.io/control-plane':'','kubernetes.io/role':'worker'}},"
            + "'spec':{'unschedulable':true},'status':{'conditions':[{'type':'MemoryPressure','status':'False'},"
            + "{'type':'Ready','status':'True'}],'addresses':[{'type':'Hostname','address':'n1'},"
            + "{'type':'InternalIP','address':'10.0.0.5'}],'nodeInfo':{'kubeletVersion':'v1.32.4',"
            + "'osImage':'Debian GNU/Linux 12','kernelVersion':'6.1.0','containerRuntimeVersion':"
            + "'containerd://1.7.24'}}}"));
    assertEquals("['x','Unknown','<none>','5m','','<none>','<none>','<unknown>','<unknown>','<unknown>']",
        cells("", "nodes", "{}"));
    assertEquals("NotReady", Rows.table("", "nodes", "{'status':{'conditions':[{'type':'Ready','status':'Unknown'}]}}")
        .at("/rows/0/cells/1").asText());
  }

  @Test
  void configAndIdentity() {
    assertEquals("['x',3,'5m']", cells("", "configmaps", "{'data':{'a':'1','b':'2'},'binaryData':{'c':'AA=='}}"));
    assertEquals("['x','Opaque',1,'5m']", cells("", "secrets", "{'type':'Opaque','data':{'a':'MQ=='}}"));
    assertEquals("['x',0,'5m']", cells("", "serviceaccounts", "{}"));
    assertEquals(List.of("Name", "Secrets", "Age"), header("", "serviceaccounts"));
  }

  @Test
  void endpoints() {
    assertEquals("['x','10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...','5m']", cells("", "endpoints",
        "{'subsets':[{'addresses':[{'ip':'10.0.0.1'},{'ip':'10.0.0.2'}],'ports':[{'port':80},{'port':443}]}]}"));
    assertEquals("['x','<none>','5m']", cells("", "endpoints", "{}"));
    assertEquals("['x','10.0.0.7','5m']", cells("", "endpoints", "{'subsets':[{'addresses':[{'ip':'10.0.0.7'}]}]}"));
  }

  @Test
  void events() {
    assertEquals(List.of("Last Seen", "Type", "Reason", "Object", "Subobject*", "Source*", "Message", "First Seen*",
        "Count*", "Name*"), header("", "events"));
    assertEquals("['60s','Normal','Pulled','pod/web-1','spec.containers{web}','kubelet, node-1','Pulled image',"
        + "'10m',3,'x']", cells("", "events", "{'involvedObject':{'kind':'Pod','name':'web-1','fieldPath':"
        + "'spec.containers{web}'},'reason':'Pulled','message':'Pulled image ','type':'Normal','source':"
        + "{'component':'kubelet','host':'node-1'},'firstTimestamp':'2024-05-01T11:50:00Z',"
        + "'lastTimestamp':'2024-05-01T11:59:00Z','count':3}"));
    assertEquals("['30s','Warning','Failed','pod/p','','kubelet, node-1','hi','30s',1,'x']", cells("events.k8s.io",
        "events", "{'regarding':{'kind':'Pod','name':'p'},'note':'hi','type':'Warning','reason':'Failed',"
            + "'eventTime':'2024-05-01T11:59:30.000000Z','reportingController':'kubelet',"
            + "'reportingInstance':'node-1'}"));
    assertEquals("['2m','Normal','Sync','node','','ctrl','m','10m',5,'x']", cells("", "events",
        "{'involvedObject':{'kind':'Node'},'reason':'Sync','message':'m','type':'Normal','reportingComponent':'ctrl',"
            + "'eventTime':'2024-05-01T11:50:00.000000Z','series':{'count':5,'lastObservedTime':"
            + "'2024-05-01T11:58:00.000000Z'}}"));
  }

  @Test
  void replicationControllersAndTemplates() {
    assertEquals("['x',2,2,1,'5m','c','i','app=a']", cells("", "replicationcontrollers", "{'spec':{'replicas':2,"
        + "'selector':{'app':'a'},'template':{'spec':{'containers':[{'name':'c','image':'i'}]}}},"
        + "'status':{'replicas':2,'readyReplicas':1}}"));
    assertEquals(List.of("Name", "Containers", "Images", "Pod Labels"), header("", "podtemplates"));
    assertEquals("['x','c','i','app=a']", cells("", "podtemplates", "{'template':{'metadata':{'labels':"
        + "{'app':'a'}},'spec':{'containers':[{'name':'c','image':'i'}]}}}"));
  }

  @Test
  void storage() {
    assertEquals(List.of("Name", "Capacity", "Access Modes", "Reclaim Policy", "Status", "Claim", "StorageClass",
        "VolumeAttributesClass", "Reason", "Age", "VolumeMode*"), header("", "persistentvolumes"));
    assertEquals("['x','10Gi','RWO,ROX','Retain','Bound','default/data','standard','<unset>','','5m','Filesystem']",
        cells("", "persistentvolumes", "{'spec':{'capacity':{'storage':'10Gi'},'accessModes':['ReadOnlyMany',"
            + "'ReadWriteOnce'],'persistentVolumeReclaimPolicy':'Retain','claimRef':{'namespace':'default',"
            + "'name':'data'},'storageClassName':'standard','volumeMode':'Filesystem'},'status':{'phase':'Bound'}}"));
    assertEquals("['x','Bound','pv-1','1Gi','RWO','standard','<unset>','5m','<unset>']", cells("",
        "persistentvolumeclaims", "{'spec':{'volumeName':'pv-1','storageClassName':'standard','resources':"
            + "{'requests':{'storage':'2Gi'}}},'status':{'phase':'Bound','accessModes':['ReadWriteOnce'],"
            + "'capacity':{'storage':'1Gi'}}}"));
    assertEquals("['x','Pending','','','','fast','<unset>','5m','<unset>']", cells("", "persistentvolumeclaims",
        "{'metadata':{'annotations':{'volume.beta.kubernetes.io/storage-class':'fast'}},'spec':"
            + "{'storageClassName':'standard'},'status':{'phase':'Pending'}}"));
    assertEquals("['std (default)','rancher.io/local-path','Delete','WaitForFirstConsumer',false,'5m']", cells(
        "storage.k8s.io", "storageclasses", "{'metadata':{'name':'std','annotations':"
            + "{'storageclass.kubernetes.io/is-default-class':'true'}},'provisioner':'rancher.io/local-path',"
            + "'volumeBindingMode':'WaitForFirstConsumer'}"));
  }

  @Test
  void resourceQuotasKeep132sColumnOrder() {
    assertEquals(List.of("Name", "Age", "Request", "Limit"), header("", "resourcequotas"));
    assertEquals("['x','5m','pods: 2/10, requests.cpu: 500m/1','limits.memory: 0/2Gi']", cells("", "resourcequotas",
        "{'status':{'hard':{'pods':'10','requests.cpu':'1','limits.memory':'2Gi'},"
            + "'used':{'pods':'2','requests.cpu':'500m'}}}"));
  }

  @Test
  void controllerRevisionsAndLeases() {
    assertEquals("['x','statefulset.apps/web',3,'5m']", cells("apps", "controllerrevisions",
        "{'metadata':{'name':'x','ownerReferences':[{'apiVersion':'apps/v1','kind':'StatefulSet','name':'web',"
            + "'uid':'u','controller':true}]},'revision':3}"));
    assertEquals("['x','<none>',1,'5m']", cells("apps", "controllerrevisions", "{'revision':1}"));
    assertEquals("['x','node-1','5m']", cells("coordination.k8s.io", "leases", "{'spec':{'holderIdentity':'node-1'}}"));
  }

  @Test
  void networking() {
    assertEquals("['x','IPv4','80,metrics,*','10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...','5m']", cells(
        "discovery.k8s.io", "endpointslices", "{'addressType':'IPv4','ports':[{'port':80,'name':'http'},"
            + "{'name':'metrics'},{}],'endpoints':[{'addresses':['10.0.0.1']},{'addresses':['10.0.0.2','10.0.0.3',"
            + "'10.0.0.4']}]}"));
    assertEquals("['x','IPv6','<unset>','<unset>','5m']", cells("discovery.k8s.io", "endpointslices",
        "{'addressType':'IPv6'}"));
    assertEquals("['x','nginx','a.com,b.com','1.2.3.4','80, 443','5m']", cells("networking.k8s.io", "ingresses",
        "{'spec':{'ingressClassName':'nginx','rules':[{'host':'a.com'},{'host':'b.com'}],'tls':[{'hosts':"
            + "['a.com']}]},'status':{'loadBalancer':{'ingress':[{'ip':'1.2.3.4'}]}}}"));
    assertEquals("['x','<none>','*','','80','5m']", cells("networking.k8s.io", "ingresses", "{'spec':{'rules':[{}]}}"));
    assertEquals("a,b,c + 2 more...", Rows.table("networking.k8s.io", "ingresses", "{'spec':{'rules':[{'host':'a'},"
        + "{'host':'b'},{'host':'c'},{'host':'d'},{'host':'e'}]}}").at("/rows/0/cells/2").asText());
    assertEquals("['x','k8s.io/ingress-nginx','IngressParameters.k8s.example.com/external-lb','5m']", cells(
        "networking.k8s.io", "ingressclasses", "{'spec':{'controller':'k8s.io/ingress-nginx','parameters':"
            + "{'apiGroup':'k8s.example.com','kind':'IngressParameters','name':'external-lb'}}}"));
    assertEquals("['x','<none>','5m']", cells("networking.k8s.io", "networkpolicies", "{'spec':{'podSelector':{}}}"));
    assertEquals("['x','role=db','5m']", cells("networking.k8s.io", "networkpolicies",
        "{'spec':{'podSelector':{'matchLabels':{'role':'db'}}}}"));
  }

  @Test
  void policyAndRbac() {
    assertEquals(List.of("Name", "Min Available", "Max Unavailable", "Allowed Disruptions", "Age"),
        header("policy", "poddisruptionbudgets"));
    assertEquals("['x','2','N/A',1,'5m']", cells("policy", "poddisruptionbudgets",
        "{'spec':{'minAvailable':2},'status':{'disruptionsAllowed':1}}"));
    assertEquals("['x','N/A','25%',0,'5m']", cells("policy", "poddisruptionbudgets",
        "{'spec':{'maxUnavailable':'25%'}}"));
    assertEquals(List.of("Name", "Role", "Age", "Users*", "Groups*", "ServiceAccounts*"),
        header("rbac.authorization.k8s.io", "rolebindings"));
    assertEquals("['x','ClusterRole/view','5m','alice, bob','devs','ns1/sa']", cells("rbac.authorization.k8s.io",
        "clusterrolebindings", "{'roleRef':{'apiGroup':'rbac.authorization.k8s.io','kind':'ClusterRole','name':"
            + "'view'},'subjects':[{'kind':'User','name':'alice'},{'kind':'Group','name':'devs'},"
            + "{'kind':'ServiceAccount','name':'sa','namespace':'ns1'},{'kind':'User','name':'bob'}]}"));
    assertEquals("['x',1000,false,'5m','PreemptLowerPriority']", cells("scheduling.k8s.io", "priorityclasses",
        "{'value':1000,'globalDefault':false,'preemptionPolicy':'PreemptLowerPriority'}"));
  }

  @Test
  void resourcesWithoutAPrinterShowTheCreationTime() {
    for (String[] r : new String[][] {{"rbac.authorization.k8s.io", "roles"},
        {"rbac.authorization.k8s.io", "clusterroles"}, {"", "limitranges"}}) {
      assertEquals(List.of("Name", "Created At"), header(r[0], r[1]));
      assertEquals("['x','2024-05-01T11:55:00Z']", cells(r[0], r[1], "{}"));
    }
    assertEquals("date", Rows.table("", "limitranges", "{}").at("/columnDefinitions/1/type").asText());
  }
}
