package org.gloomeshupgrade.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ThreeWayMergeTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aFieldTheChartLeavesAloneKeepsItsLiveValue() {
    ThreeWayMerge.Result r =
        merge(
            "{'spec':{'mtls':'ISTIO_MUTUAL','image':'a:1'}}",
            "{'spec':{'mtls':'ISTIO_MUTUAL','image':'a:2'}}",
            "{'spec':{'mtls':'DISABLE','image':'a:1'}}");

    assertThat(r.conflicts()).isEmpty();
    assertThat(r.merged()).isEqualTo(json("{'spec':{'mtls':'DISABLE','image':'a:2'}}"));
  }

  @Test
  void aFieldSomeoneChangedThatTheChartChangesTooIsAConflictWithBothValues() {
    ThreeWayMerge.Result r =
        merge(
            "{'spec':{'image':'gcr.io/x:1'}}",
            "{'spec':{'image':'gcr.io/x:2'}}",
            "{'spec':{'image':'mirror/x:1'}}");

    assertThat(r.conflicts())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.path()).isEqualTo("/spec/image");
              assertThat(c.describe())
                  .isEqualTo(
                      "/spec/image is \"mirror/x:1\" on the cluster (changed from \"gcr.io/x:1\"),"
                          + " the new chart sets \"gcr.io/x:2\"");
            });
  }

  @Test
  void theSameChangeOnBothSidesIsNoConflict() {
    ThreeWayMerge.Result r = merge("{'spec':{'a':1}}", "{'spec':{'a':2}}", "{'spec':{'a':2.0}}");

    assertThat(r.conflicts()).isEmpty();
  }

  @Test
  void liveFieldsTheChartNeverSetStayAndServerDefaultsDoNotCountAsEdits() {
    ThreeWayMerge.Result r =
        merge(
            "{'spec':{'containers':[{'name':'c','image':'x:1','args':['a']}]}}",
            "{'spec':{'containers':[{'name':'c','image':'x:2','args':['a']}]}}",
            """
            {'spec':{'clusterIP':'10.0.0.1','containers':[{'name':'c','image':'x:1','args':['a'],\
            'terminationMessagePath':'/dev/termination-log'},{'name':'sidecar','image':'s:1'}]}}""");

    assertThat(r.conflicts()).isEmpty();
    assertThat(r.merged())
        .isEqualTo(
            json(
                """
                {'spec':{'containers':[{'name':'c','image':'x:2','args':['a'],\
                'terminationMessagePath':'/dev/termination-log'},{'name':'sidecar','image':'s:1'}],\
                'clusterIP':'10.0.0.1'}}"""));
  }

  @Test
  void anItemAddedByHandToANamedListStaysWhenTheChartChangesTheList() {
    ThreeWayMerge.Result r =
        merge(
            "{'env':[{'name':'A','value':'1'}]}",
            "{'env':[{'name':'A','value':'2'}]}",
            "{'env':[{'name':'A','value':'1'},{'name':'DEBUG','value':'true'}]}");

    assertThat(r.conflicts()).isEmpty();
    assertThat(r.merged())
        .isEqualTo(json("{'env':[{'name':'A','value':'2'},{'name':'DEBUG','value':'true'}]}"));
  }

  @Test
  void whatTheChartStopsSettingGoesUnlessSomeoneChangedIt() {
    ThreeWayMerge.Result gone =
        merge("{'spec':{'old':1,'keep':1}}", "{'spec':{'keep':1}}", "{'spec':{'old':1,'keep':1}}");
    assertThat(gone.merged()).isEqualTo(json("{'spec':{'keep':1}}"));

    ThreeWayMerge.Result edited =
        merge("{'spec':{'old':1,'keep':1}}", "{'spec':{'keep':1}}", "{'spec':{'old':5,'keep':1}}");
    assertThat(edited.conflicts())
        .singleElement()
        .satisfies(c -> assertThat(c.describe()).contains("the new chart sets nothing"));
  }

  @Test
  void withoutABaseTheChartsFieldsWinAndLiveOnlyFieldsStay() {
    ThreeWayMerge.Result r =
        ThreeWayMerge.merge(
            null, json("{'spec':{'a':2}}"), json("{'spec':{'a':1,'b':3},'status':{'x':1}}"));

    assertThat(r.conflicts()).isEmpty();
    assertThat(r.merged()).isEqualTo(json("{'spec':{'a':2,'b':3},'status':{'x':1}}"));
  }

  @Test
  void aListWithoutNamesIsOneValue() {
    ThreeWayMerge.Result r =
        merge("{'args':['a','b']}", "{'args':['a','c']}", "{'args':['a','b','--debug']}");

    assertThat(r.conflicts())
        .singleElement()
        .satisfies(c -> assertThat(c.path()).isEqualTo("/args"));
  }

  private static ThreeWayMerge.Result merge(String base, String desired, String live) {
    return ThreeWayMerge.merge(json(base), json(desired), json(live));
  }

  private static JsonNode json(String singleQuoted) {
    try {
      return JSON.readTree(singleQuoted.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(singleQuoted, e);
    }
  }
}
