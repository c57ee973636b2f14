package org.gloomeshupgrade.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/**
 * The static checks stay in the build that {@code mvn verify} runs: dropping an execution or
 * switching the profile off would otherwise go unnoticed, since a green build looks the same.
 */
class BuildChecksTest {
  private static final Path ROOT = Path.of("..");
  private static final String SPOTLESS =
      "/project/build/plugins/plugin[artifactId='spotless-maven-plugin']";
  private static final String ERROR_PRONE = "/project/profiles/profile[id='errorprone']";

  private static Document pom;
  private static XPath xpath;

  @BeforeAll
  static void readRootPom() throws Exception {
    pom =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(ROOT.resolve("pom.xml").toFile());
    xpath = XPathFactory.newInstance().newXPath();
  }

  private static String at(String path) throws Exception {
    return xpath.evaluate(path, pom).trim();
  }

  @Test
  void formattingIsCheckedBeforeCompilingInEveryModule() throws Exception {
    assertThat(at(SPOTLESS + "/executions/execution/goals/goal")).isEqualTo("check");
    assertThat(at(SPOTLESS + "/executions/execution/phase")).isEqualTo("process-sources");
    String managed =
        "/project/build/pluginManagement/plugins/plugin[artifactId='spotless-maven-plugin']";
    assertThat(at(managed + "/configuration/java/googleJavaFormat/style")).isEqualTo("GOOGLE");
    assertThat(at(SPOTLESS + "/configuration/skip")).as("not skipped in the pom").isEmpty();
  }

  @Test
  void errorProneRunsUnlessExplicitlySkipped() throws Exception {
    assertThat(at(ERROR_PRONE + "/activation/property/name")).isEqualTo("!errorprone.skip");
    String compiler =
        ERROR_PRONE + "/build/pluginManagement/plugins/plugin[artifactId='maven-compiler-plugin']";
    assertThat(at(compiler + "/configuration/compilerArgs/arg[starts-with(., '-Xplugin')]"))
        .startsWith("-Xplugin:ErrorProne");
    assertThat(at(compiler + "/configuration/annotationProcessorPaths/path/artifactId"))
        .isEqualTo("error_prone_core");
    // javac runs inside Maven's JVM, which must open the compiler's internals to the plugin.
    assertThat(Files.readString(ROOT.resolve(".mvn/jvm.config")))
        .contains("--add-exports jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED")
        .contains("--add-opens jdk.compiler/com.sun.tools.javac.comp=ALL-UNNAMED");
  }

  @Test
  void theCiScriptRunsTheReadmesTestCommandWithTheChecks() throws Exception {
    String ci = Files.readString(ROOT.resolve(".ci/run"));
    assertThat(ci).contains("mvn -B verify").doesNotContain("spotless.check.skip");
    assertThat(ci).doesNotContain("errorprone.skip");
  }
}
