package io.quarkube.scheduler.framework.runtime;

import static io.quarkube.scheduler.testing.Fixtures.node;
import static io.quarkube.scheduler.testing.Fixtures.nodeInfo;
import static io.quarkube.scheduler.testing.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkube.scheduler.config.ConfigLoader;
import io.quarkube.scheduler.config.ExtensionPoint;
import io.quarkube.scheduler.config.Profile;
import io.quarkube.scheduler.framework.ApiActions;
import io.quarkube.scheduler.framework.BindPlugin;
import io.quarkube.scheduler.framework.ClusterListers;
import io.quarkube.scheduler.framework.Code;
import io.quarkube.scheduler.framework.CycleState;
import io.quarkube.scheduler.framework.FilterPlugin;
import io.quarkube.scheduler.framework.NodeInfo;
import io.quarkube.scheduler.framework.PermitPlugin;
import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.framework.PodNominator;
import io.quarkube.scheduler.framework.PreBindPlugin;
import io.quarkube.scheduler.framework.PreFilterPlugin;
import io.quarkube.scheduler.framework.PreScorePlugin;
import io.quarkube.scheduler.framework.QueueSortPlugin;
import io.quarkube.scheduler.framework.QueuedPodInfo;
import io.quarkube.scheduler.framework.ReservePlugin;
import io.quarkube.scheduler.framework.ScorePlugin;
import io.quarkube.scheduler.framework.Status;
import io.quarkube.scheduler.framework.plugins.InTreeRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The extension points run in upstream's order and with its status rules. */
class FrameworkTest {
  private final List<String> calls = new ArrayList<>();

  /** A plugin at every extension point that records its calls and answers as told. */
  private final class Recorder implements QueueSortPlugin, PreFilterPlugin, FilterPlugin, PreScorePlugin,
      ScorePlugin, ReservePlugin, PermitPlugin, PreBindPlugin, BindPlugin {
    final String name;
    Status filter = Status.SUCCESS;
    Status reserve = Status.SUCCESS;
    Status bind = Status.SUCCESS;
    Status preFilter = Status.SUCCESS;
    long score;

    Recorder(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public int compare(QueuedPodInfo a, QueuedPodInfo b) {
      return 0;
    }

    @Override
    public PreFilterPlugin.Result preFilter(CycleState s, PodInfo p, List<NodeInfo> n) {
      calls.add(name + ".preFilter");
      return PreFilterPlugin.Result.of(preFilter);
    }

    @Override
    public Status filter(CycleState s, PodInfo p, NodeInfo n) {
      calls.add(name + ".filter");
      return filter;
    }

    @Override
    public Status preScore(CycleState s, PodInfo p, List<NodeInfo> n) {
      calls.add(name + ".preScore");
      return Status.SUCCESS;
    }

    @Override
    public long score(CycleState s, PodInfo p, NodeInfo n) {
      calls.add(name + ".score");
      return score;
    }

    @Override
    public Status reserve(CycleState s, PodInfo p, String node) {
      calls.add(name + ".reserve");
      return reserve;
    }

    @Override
    public void unreserve(CycleState s, PodInfo p, String node) {
      calls.add(name + ".unreserve");
    }

    @Override
    public PermitPlugin.Result permit(CycleState s, PodInfo p, String node) {
      calls.add(name + ".permit");
      return PermitPlugin.Result.ALLOW;
    }

    @Override
    public Status preBind(CycleState s, PodInfo p, String node) {
      calls.add(name + ".preBind");
      return Status.SUCCESS;
    }

    @Override
    public Status bind(CycleState s, PodInfo p, String node) {
      calls.add(name + ".bind");
      return bind;
    }
  }

  private final Recorder a = new Recorder("A");
  private final Recorder b = new Recorder("B");

  private Framework framework(String yaml) throws Exception {
    Registry r = new Registry().register("A", (args, h) -> a).register("B", (args, h) -> b);
    Profile p = ConfigLoader.parse(yaml).profiles().get(0);
    return new Framework(p, r, ClusterListers.EMPTY, PodNominator.NONE, ApiActions.NONE, new Parallelizer(1));
  }

  private static final String AB = """
      profiles:
      - schedulerName: test
        plugins:
          multiPoint:
            disabled: [{name: '*'}]
            enabled: [{name: A, weight: 1}, {name: B, weight: 3}]
          queueSort:
            disabled: [{name: B}]
      """;

  @Test
  void pluginsRunInConfiguredOrderAtEachPoint() throws Exception {
    Framework f = framework(AB);
    assertEquals(List.of("A", "B"), f.pluginNames(ExtensionPoint.FILTER));
    assertEquals(List.of("A"), f.pluginNames(ExtensionPoint.QUEUE_SORT));
    PodInfo p = new PodInfo(pod("p"));
    NodeInfo n = nodeInfo(node("n1"));
    CycleState s = new CycleState();
    f.runPreFilterPlugins(s, p, List.of(n));
    f.runFilterPlugins(s, p, n);
    f.runPreScorePlugins(s, p, List.of(n));
    f.runScorePlugins(s, p, List.of(n));
    f.runReservePluginsReserve(s, p, "n1");
    f.runPermitPlugins(s, p, "n1");
    f.runPreBindPlugins(s, p, "n1");
    f.runBindPlugins(s, p, "n1");
    assertEquals(List.of("A.preFilter", "B.preFilter", "A.filter", "B.filter", "A.preScore", "B.preScore",
        "A.score", "B.score", "A.reserve", "B.reserve", "A.permit", "B.permit", "A.preBind", "B.preBind", "A.bind"),
        calls);
  }

  @Test
  void firstFailingFilterDecidesAndIsNamed() throws Exception {
    Framework f = framework(AB);
    a.filter = Status.unschedulable("no room");
    Status s = f.runFilterPlugins(new CycleState(), new PodInfo(pod("p")), nodeInfo(node("n1")));
    assertEquals(Code.UNSCHEDULABLE, s.code());
    assertEquals("A", s.plugin());
    assertEquals(List.of("A.filter"), calls);
  }

  @Test
  void filterErrorsBecomeErrorStatus() throws Exception {
    Framework f = framework(AB);
    b.filter = Status.error("boom");
    Status s = f.runFilterPlugins(new CycleState(), new PodInfo(pod("p")), nodeInfo(node("n1")));
    assertEquals(Code.ERROR, s.code());
    assertTrue(s.message().contains("boom"));
  }

  @Test
  void preFilterSkipSkipsThatPluginsFilter() throws Exception {
    Framework f = framework(AB);
    a.preFilter = Status.SKIP;
    CycleState s = new CycleState();
    assertTrue(f.runPreFilterPlugins(s, new PodInfo(pod("p")), List.of()).status().isSuccess());
    f.runFilterPlugins(s, new PodInfo(pod("p")), nodeInfo(node("n1")));
    assertEquals(List.of("A.preFilter", "B.preFilter", "B.filter"), calls);
  }

  @Test
  void scoresAreWeighted() throws Exception {
    Framework f = framework(AB);
    a.score = 10;
    b.score = 20;
    long[] totals = f.runScorePlugins(new CycleState(), new PodInfo(pod("p")), List.of(nodeInfo(node("n1"))));
    assertEquals(10 * 1 + 20 * 3, totals[0]);
  }

  @Test
  void outOfRangeScoreIsAnError() throws Exception {
    Framework f = framework(AB);
    a.score = 101;
    assertThrows(io.quarkube.scheduler.framework.PluginException.class,
        () -> f.runScorePlugins(new CycleState(), new PodInfo(pod("p")), List.of(nodeInfo(node("n1")))));
  }

  @Test
  void failedReserveIsUndoneInReverseOrder() throws Exception {
    Framework f = framework(AB);
    b.reserve = Status.unschedulable("taken");
    PodInfo p = new PodInfo(pod("p"));
    Status s = f.runReservePluginsReserve(new CycleState(), p, "n1");
    assertEquals("B", s.plugin());
    f.runReservePluginsUnreserve(new CycleState(), p, "n1");
    assertEquals(List.of("A.reserve", "B.reserve", "B.unreserve", "A.unreserve"), calls);
  }

  @Test
  void bindSkipPassesToTheNextBinder() throws Exception {
    Framework f = framework(AB);
    a.bind = Status.SKIP;
    assertTrue(f.runBindPlugins(new CycleState(), new PodInfo(pod("p")), "n1").isSuccess());
    assertEquals(List.of("A.bind", "B.bind"), calls);
  }

  @Test
  void permitWaitBlocksUntilAllowed() throws Exception {
    Registry r = new Registry().register("A", (args, h) -> a).register("W", (args, h) -> new PermitPlugin() {
      @Override
      public String name() {
        return "W";
      }

      @Override
      public Result permit(CycleState s, PodInfo p, String node) {
        return Result.waitFor(Duration.ofSeconds(30));
      }
    });
    Profile prof = ConfigLoader.parse("""
        profiles:
        - plugins:
            multiPoint: {disabled: [{name: '*'}], enabled: [{name: A}]}
            permit: {enabled: [{name: W}]}
        """).profiles().get(0);
    Framework f = new Framework(prof, r, ClusterListers.EMPTY, PodNominator.NONE, ApiActions.NONE,
        new Parallelizer(1));
    PodInfo p = new PodInfo(pod("p"));
    assertEquals(Code.WAIT, f.runPermitPlugins(new CycleState(), p, "n1").code());
    f.waitingPods().get(p.key()).allow("W");
    assertTrue(f.waitOnPermit(p).isSuccess());
  }

  @Test
  void defaultProfileHasUpstreamsPluginsAndWeights() {
    Framework f = new Framework(ConfigLoader.defaults().profiles().get(0), InTreeRegistry.create(),
        ClusterListers.EMPTY, PodNominator.NONE, ApiActions.NONE, new Parallelizer(1));
    assertEquals(List.of("NodeUnschedulable", "NodeName", "TaintToleration", "NodeAffinity", "NodePorts",
        "NodeResourcesFit", "VolumeRestrictions", "NodeVolumeLimits", "VolumeBinding", "VolumeZone", "PodTopologySpread",
        "InterPodAffinity"),
        f.pluginNames(ExtensionPoint.FILTER));
    assertTrue(f.pluginNames(ExtensionPoint.PRE_FILTER).contains("VolumeRestrictions"));
    assertEquals(List.of("TaintToleration", "NodeAffinity", "NodeResourcesFit", "PodTopologySpread",
        "InterPodAffinity", "NodeResourcesBalancedAllocation", "ImageLocality"), f.pluginNames(ExtensionPoint.SCORE));
    assertEquals(1, f.scoreWeight("ImageLocality"));
    assertTrue(f.pluginNames(ExtensionPoint.PRE_FILTER).contains("VolumeZone"));
    assertTrue(f.pluginNames(ExtensionPoint.PRE_FILTER).contains("NodeVolumeLimits"));
    assertEquals(3, f.scoreWeight("TaintToleration"));
    assertEquals(2, f.scoreWeight("InterPodAffinity"));
    assertEquals(List.of("DefaultPreemption"), f.pluginNames(ExtensionPoint.POST_FILTER));
    assertEquals(List.of("DefaultBinder"), f.pluginNames(ExtensionPoint.BIND));
  }

  @Test
  void unknownPluginIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Framework(
        ConfigLoader.parse("""
            profiles:
            - plugins:
                filter: {enabled: [{name: Nope}]}
            """).profiles().get(0), InTreeRegistry.create(), ClusterListers.EMPTY, PodNominator.NONE,
        ApiActions.NONE, new Parallelizer(1)));
    assertTrue(e.getMessage().contains("\"Nope\" does not exist"), e.getMessage());
  }
}
