package org.gloomeshupgrade.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README stays short and starts with the quick start; every relative link in the docs leads
 * somewhere.
 */
class DocumentationTest {
  private static final Path ROOT = Path.of("..");
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

  @Test
  void theReadmeIsShortAndItsFirstCommandsAreTheQuickStart() throws IOException {
    Path readme = ROOT.resolve("README.md");
    String text = Files.readString(readme);

    assertThat(Files.size(readme)).isLessThan(20_000);
    int firstBlock = text.indexOf("```sh\n");
    assertThat(text.substring(0, firstBlock)).contains("## Quick start");
    assertThat(
            text.substring(firstBlock)
                .lines()
                .skip(1)
                .limit(2)
                .map(l -> l.replaceAll("\\s+#.*", "")))
        .containsExactly("./gmu demo", "mvn -B verify");
  }

  @Test
  void everyDocIsLinkedFromTheReadme() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      assertThat(docs.map(d -> "docs/" + d.getFileName()))
          .allSatisfy(d -> assertThat(readme).contains("(" + d));
    }
  }

  @Test
  void everyRelativeLinkLeadsToAFileAndEveryAnchorToAHeading() throws IOException {
    List<String> broken = new ArrayList<>();
    List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.forEach(pages::add);
    }
    for (Path page : pages) {
      Matcher m = LINK.matcher(Files.readString(page));
      while (m.find()) {
        String link = m.group(1);
        if (link.startsWith("http://") || link.startsWith("https://")) {
          continue;
        }
        String[] parts = link.split("#", 2);
        Path target = parts[0].isEmpty() ? page : page.getParent().resolve(parts[0]).normalize();
        if (!Files.exists(target)) {
          broken.add(page.getFileName() + ": " + link);
        } else if (parts.length == 2 && !anchors(target).contains(parts[1])) {
          broken.add(page.getFileName() + ": " + link + " (no such heading)");
        }
      }
    }
    assertThat(broken).isEmpty();
  }

  /** GitHub's anchors: headings lower-cased, punctuation dropped, spaces to hyphens. */
  private static List<String> anchors(Path page) throws IOException {
    if (!page.toString().endsWith(".md")) {
      return List.of();
    }
    return Files.readAllLines(page).stream()
        .filter(l -> l.startsWith("#"))
        .map(l -> l.replaceFirst("^#+\\s*", ""))
        .map(h -> h.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'))
        .toList();
  }
}
