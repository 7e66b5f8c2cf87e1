package io.quarkube.apiserver.registry.flowcontrol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchema;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.PriorityLevelConfiguration;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Upstream's v1 (and v1beta3) defaults and validation of flow schemas and priority levels. */
class FlowControlStrategyTest {
  private final FlowSchemaStrategy schemas = new FlowSchemaStrategy();
  private final PriorityLevelConfigurationStrategy levels = new PriorityLevelConfigurationStrategy();

  static <T> T read(Class<T> type, String singleQuoted) {
    return Json.read(singleQuoted.replace('\'', '"').getBytes(), type);
  }

  static FlowSchema schema(String name, String spec) {
    return read(FlowSchema.class, "{'apiVersion':'flowcontrol.apiserver.k8s.io/v1','kind':'FlowSchema',"
        + "'metadata':{'name':'" + name + "'},'spec':" + spec + "}");
  }

  static PriorityLevelConfiguration level(String name, String spec) {
    return read(PriorityLevelConfiguration.class, "{'apiVersion':'flowcontrol.apiserver.k8s.io/v1',"
        + "'kind':'PriorityLevelConfiguration','metadata':{'name':'" + name + "'},'spec':" + spec + "}");
  }

  private static List<String> messages(List<FieldError> errors) {
    return errors.stream().map(e -> e.field() + ": " + e.type().reason() + ": " + e.detail()).toList();
  }

  @Test
  void flowSchemaDefaultsToPrecedence1000() {
    FlowSchema fs = schema("a", "{'priorityLevelConfiguration':{'name':'workload-low'},'rules':[{'subjects':"
        + "[{'kind':'User','user':{'name':'u'}}],'nonResourceRules':[{'verbs':['*'],'nonResourceURLs':['*']}]}]}");
    schemas.prepareForCreate(fs);
    assertEquals(1000, fs.getSpec().getMatchingPrecedence());
    assertNull(fs.getSpec().getDistinguisherMethod()); // upstream does not default it
    assertEquals(List.of(), schemas.validate(fs));
  }

  @Test
  void flowSchemaValidation() {
    FlowSchema fs = schema("a", "{'matchingPrecedence':1,'distinguisherMethod':{'type':'ByGroup'},"
        + "'priorityLevelConfiguration':{'name':''},'rules':[{'subjects':[],'resourceRules':[{'verbs':['*','get'],"
        + "'apiGroups':['*','apps'],'resources':[],'namespaces':[]}],'nonResourceRules':[{'verbs':['fly'],"
        + "'nonResourceURLs':['/a/*/b','healthz','/x/*']}]},{'subjects':[{'kind':'User'},{'kind':'Group',"
        + "'group':{'name':'g'},'user':{'name':'u'}},{'kind':'ServiceAccount','serviceAccount':{'name':'*'}},"
        + "{'kind':'Robot'}]}]}");
    List<String> got = messages(schemas.validate(fs));
    List<String> want = List.of(
        "spec.matchingPrecedence: FieldValueInvalid: only the schema named 'exempt' may have matchingPrecedence 1",
        "spec.distinguisherMethod.type: FieldValueNotSupported: supported values: \"ByNamespace\", \"ByUser\"",
        "spec.priorityLevelConfiguration.name: FieldValueRequired: must reference a priority level",
        "spec.rules[0].subjects: FieldValueRequired: subjects must contain at least one value",
        "spec.rules[0].resourceRules[0].verbs: FieldValueInvalid: if '*' is present, must not specify other verbs",
        "spec.rules[0].resourceRules[0].apiGroups: FieldValueInvalid: if '*' is present, must not specify other api "
            + "groups",
        "spec.rules[0].resourceRules[0].resources: FieldValueRequired: resource rules must supply at least one "
            + "resource",
        "spec.rules[0].resourceRules[0].namespaces: FieldValueRequired: resource rules that are not cluster scoped "
            + "must supply at least one namespace",
        "spec.rules[0].nonResourceRules[0].verbs: FieldValueNotSupported: supported values: \"create\", \"delete\", "
            + "\"deletecollection\", \"get\", \"list\", \"patch\", \"proxy\", \"update\", \"watch\"",
        "spec.rules[0].nonResourceRules[0].nonResourceURLs[0]: FieldValueInvalid: wildcard can only do suffix "
            + "matching",
        "spec.rules[0].nonResourceRules[0].nonResourceURLs[1]: FieldValueInvalid: must start with slash",
        "spec.rules[1].subjects[0].user: FieldValueRequired: user is required when subject kind is 'User'",
        "spec.rules[1].subjects[1].user: FieldValueForbidden: user is forbidden when subject kind is not 'User'",
        "spec.rules[1].subjects[2].serviceAccount.namespace: FieldValueRequired: must specify namespace for service "
            + "account",
        "spec.rules[1].subjects[3].kind: FieldValueNotSupported: supported values: \"Group\", \"ServiceAccount\", "
            + "\"User\"",
        "spec.rules[1]: FieldValueRequired: at least one of resourceRules and nonResourceRules has to be non-empty");
    assertEquals(want.size(), got.size(), String.join("\n", got));
    assertTrue(got.containsAll(want), String.join("\n", got));
    assertTrue(messages(schemas.validate(schema("b", "{'matchingPrecedence':10001,"
        + "'priorityLevelConfiguration':{'name':'p'}}"))).contains(
        "spec.matchingPrecedence: FieldValueInvalid: must not be greater than 10000"));
  }

  @Test
  void priorityLevelDefaults() {
    PriorityLevelConfiguration pl = level("p", "{'type':'Limited','limited':{'limitResponse':{'type':'Queue',"
        + "'queuing':{}}}}");
    levels.prepareForCreate(pl);
    assertEquals("{\"limited\":{\"lendablePercent\":0,\"limitResponse\":{\"queuing\":{\"handSize\":8,"
        + "\"queueLengthLimit\":50,\"queues\":64},\"type\":\"Queue\"},\"nominalConcurrencyShares\":30},\"type\":\"Limited\"}",
        sorted(pl.getSpec()));
    assertEquals(List.of(), levels.validate(pl));
    PriorityLevelConfiguration exempt = level("exempt", "{'type':'Exempt','exempt':{}}");
    levels.prepareForCreate(exempt);
    assertEquals(0, exempt.getSpec().getExempt().getNominalConcurrencyShares());
    assertEquals(0, exempt.getSpec().getExempt().getLendablePercent());
  }

  @Test
  void priorityLevelValidation() {
    List<String> got = messages(levels.validate(level("p", "{'type':'Limited','limited':"
        + "{'nominalConcurrencyShares':-1,'lendablePercent':101,'borrowingLimitPercent':-1,'limitResponse':"
        + "{'type':'Queue','queuing':{'queues':128,'handSize':129,'queueLengthLimit':0}}}}")));
    assertEquals(List.of(
        "spec.limited.nominalConcurrencyShares: FieldValueInvalid: must be a non-negative integer",
        "spec.limited.limitResponse.queuing.queueLengthLimit: FieldValueInvalid: must be positive",
        "spec.limited.limitResponse.queuing.handSize: FieldValueInvalid: should not be greater than queues (128)",
        "spec.limited.lendablePercent: FieldValueInvalid: must be between 0 and 100, inclusive",
        "spec.limited.borrowingLimitPercent: FieldValueInvalid: if specified, must be a non-negative integer"), got);
    // shuffle sharding's entropy: log2(10^7) * 6 > 60 bits
    assertEquals(List.of("spec.limited.limitResponse.queuing.handSize: FieldValueInvalid: required entropy bits of "
        + "deckSize 10000000 and handSize 6 should not be greater than 60"), messages(levels.validate(level("p",
        "{'type':'Limited','limited':{'nominalConcurrencyShares':1,'limitResponse':{'type':'Queue','queuing':"
            + "{'queues':10000000,'handSize':6,'queueLengthLimit':5}}}}"))));
    assertEquals(List.of("spec.type: FieldValueInvalid: type must be 'Exempt' if and only if name is 'exempt'"),
        messages(levels.validate(level("p", "{'type':'Exempt'}"))));
    // zero shares are allowed since 1.30
    assertEquals(List.of(), levels.validate(level("p", "{'type':'Limited','limited':{'nominalConcurrencyShares':0,"
        + "'limitResponse':{'type':'Reject'}}}")));
    assertEquals(List.of("spec.limited.limitResponse.queuing: FieldValueForbidden: must be nil if "
        + "limited.limitResponse.type is not Limited"), messages(levels.validate(level("p", "{'type':'Limited',"
        + "'limited':{'nominalConcurrencyShares':1,'limitResponse':{'type':'Reject','queuing':{'queues':1}}}}"))));
  }

  @Test
  void mandatoryObjectsKeepTheirFixedSpec() {
    assertEquals(List.of("spec: FieldValueInvalid: spec of 'catch-all' must equal the fixed value"),
        messages(levels.validate(level("catch-all", "{'type':'Limited','limited':{'nominalConcurrencyShares':6,"
            + "'lendablePercent':0,'limitResponse':{'type':'Reject'}}}"))));
    assertEquals(List.of(), levels.validate(level("catch-all", "{'type':'Limited','limited':"
        + "{'nominalConcurrencyShares':5,'lendablePercent':0,'limitResponse':{'type':'Reject'}}}")));
    // the exempt level's spec.exempt may change, nothing else
    assertEquals(List.of(), levels.validate(level("exempt", "{'type':'Exempt','exempt':"
        + "{'nominalConcurrencyShares':10,'lendablePercent':5}}")));
    FlowSchema catchAll = BootstrapConfiguration.mandatoryFlowSchema("catch-all");
    assertEquals(List.of(), schemas.validate(catchAll));
    catchAll.getSpec().setMatchingPrecedence(9999);
    assertEquals(List.of("spec: FieldValueInvalid: spec of 'catch-all' must equal the fixed value"),
        messages(schemas.validate(catchAll)));
  }

  @Test
  void everyBootstrapObjectIsValidAndAlreadyDefaulted() {
    for (PriorityLevelConfiguration pl : BootstrapConfiguration.allPriorityLevels().values()) {
      assertEquals(List.of(), levels.validate(pl), pl.getMetadata().getName());
      String before = sorted(pl.getSpec());
      levels.prepareForCreate(pl);
      assertEquals(before, sorted(pl.getSpec()), pl.getMetadata().getName());
    }
    for (FlowSchema fs : BootstrapConfiguration.allFlowSchemas().values()) {
      assertEquals(List.of(), schemas.validate(fs), fs.getMetadata().getName());
    }
    assertEquals(List.of("catch-all", "exempt", "global-default", "leader-election", "node-high", "system",
        "workload-high", "workload-low"), BootstrapConfiguration.allPriorityLevels().keySet().stream().sorted().toList());
    assertEquals(List.of("catch-all", "endpoint-controller", "exempt", "global-default", "kube-controller-manager",
        "kube-scheduler", "kube-system-service-accounts", "probes", "service-accounts", "system-leader-election",
        "system-node-high", "system-nodes", "workload-leader-election"),
        BootstrapConfiguration.allFlowSchemas().keySet().stream().sorted().toList());
  }

  @Test
  void v1beta3ZeroSharesDefaultTo30UnlessTheRoundTripAnnotationSaysOtherwise() {
    PriorityLevelConfigurationV1beta3Strategy beta = new PriorityLevelConfigurationV1beta3Strategy();
    var pl = read(io.fabric8.kubernetes.api.model.flowcontrol.v1beta3.PriorityLevelConfiguration.class,
        "{'apiVersion':'flowcontrol.apiserver.k8s.io/v1beta3','kind':'PriorityLevelConfiguration','metadata':"
            + "{'name':'p'},'spec':{'type':'Limited','limited':{'limitResponse':{'type':'Reject'}}}}");
    beta.prepareForCreate(pl);
    assertEquals(30, pl.getSpec().getLimited().getNominalConcurrencyShares());
    assertEquals(0, pl.getSpec().getLimited().getLendablePercent());

    var zero = read(io.fabric8.kubernetes.api.model.flowcontrol.v1beta3.PriorityLevelConfiguration.class,
        "{'apiVersion':'flowcontrol.apiserver.k8s.io/v1beta3','kind':'PriorityLevelConfiguration','metadata':"
            + "{'name':'p','annotations':{'" + FlowControlConversion.PRESERVE_ZERO_SHARES + "':''}},'spec':"
            + "{'type':'Limited','limited':{'nominalConcurrencyShares':0,'limitResponse':{'type':'Reject'}}}}");
    beta.prepareForCreate(zero);
    assertEquals(0, zero.getSpec().getLimited().getNominalConcurrencyShares());
    // stored as v1 without the annotation, read back as v1beta3 with it
    var storage = FlowControlConversion.storage(
        io.fabric8.kubernetes.api.model.flowcontrol.v1beta3.PriorityLevelConfiguration.class,
        PriorityLevelConfiguration.class);
    HasMetadata stored = storage.toStorage(zero);
    assertEquals("flowcontrol.apiserver.k8s.io/v1", stored.getApiVersion());
    assertTrue(stored.getMetadata().getAnnotations() == null
        || !stored.getMetadata().getAnnotations().containsKey(FlowControlConversion.PRESERVE_ZERO_SHARES));
    var back = storage.fromStorage(Json.bytes(stored));
    assertEquals("flowcontrol.apiserver.k8s.io/v1beta3", back.getApiVersion());
    assertEquals("", back.getMetadata().getAnnotations().get(FlowControlConversion.PRESERVE_ZERO_SHARES));
    assertEquals(0, back.getSpec().getLimited().getNominalConcurrencyShares());
  }

  @Test
  void v1beta3KeepsTheExemptLevelsSettingsWhichFabric8sV1beta3ModelLacks() {
    var body = (com.fasterxml.jackson.databind.node.ObjectNode) Json.parse(("{'apiVersion':"
        + "'flowcontrol.apiserver.k8s.io/v1beta3','kind':'PriorityLevelConfiguration','metadata':{'name':'exempt'},"
        + "'spec':{'type':'Exempt','exempt':{'nominalConcurrencyShares':3},'bogus':1}}").replace('\'', '"')
        .getBytes());
    List<String> unknown = new PriorityLevelConfigurationV1beta3Strategy().pruneUnknownFields(body,
        io.fabric8.kubernetes.api.model.flowcontrol.v1beta3.PriorityLevelConfiguration.class);
    assertEquals(List.of("spec.bogus"), unknown);
    assertEquals(3, body.at("/spec/exempt/nominalConcurrencyShares").asInt());
  }

  private static String sorted(Object o) {
    try {
      com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper()
          .configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
      return m.writeValueAsString(m.treeToValue(Json.tree(o), Object.class));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
