package dev.offboarding.worker.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The docs as a reader meets them: the README stays a front page that opens with the two commands a
 * newcomer runs, and no relative link in the project's Markdown leads nowhere, anchors included.
 * Headings are turned into anchors as GitHub does, so a renamed section breaks this test, not a
 * reader's click.
 */
class DocsTest {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final int README_MAX_LINES = 300;

  private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
  private static final Pattern FENCE = Pattern.compile("(?ms)^[ \\t]*```.*?^[ \\t]*```[^\\n]*$");
  private static final Pattern CODE_SPAN = Pattern.compile("`[^`]*`");
  private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6} +(.+?) *#*$");

  @Test
  void theReadmeIsAFrontPageOfAtMost300Lines() throws IOException {
    List<String> lines = Files.readAllLines(ROOT.resolve("README.md"));

    assertTrue(
        lines.size() <= README_MAX_LINES,
        "README.md has " + lines.size() + " lines; move the detail to a guide in docs/");
  }

  @Test
  void theReadmeOpensWithTheTwoCommandsANewcomerRuns() throws IOException {
    List<String> lines = Files.readAllLines(ROOT.resolve("README.md"));

    assertEquals("# offboarding-worker", lines.get(0));
    assertEquals("```", lines.get(2));
    assertTrue(lines.get(3).startsWith("bin/local "), lines.get(3));
    assertTrue(lines.get(4).startsWith("./mvnw verify "), lines.get(4));
    assertEquals("```", lines.get(5));
    assertTrue(Files.isExecutable(ROOT.resolve("bin/local")), "bin/local is not executable");
    assertTrue(Files.isExecutable(ROOT.resolve("mvnw")), "mvnw is not executable");
  }

  @Test
  void everyRelativeLinkInTheMarkdownResolves() throws IOException {
    List<Path> pages = markdownFiles();
    Map<Path, Set<String>> anchors = new HashMap<>();
    List<String> broken = new ArrayList<>();
    int links = 0;

    for (Path page : pages) {
      for (String href : relativeLinks(Files.readString(page))) {
        links++;
        int hash = href.indexOf('#');
        String file = hash < 0 ? href : href.substring(0, hash);
        String anchor = hash < 0 ? null : href.substring(hash + 1);
        Path target = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        if (!target.startsWith(ROOT) || !Files.exists(target)) {
          broken.add(ROOT.relativize(page) + ": " + href + " (no such file)");
        } else if (anchor != null
            && target.toString().endsWith(".md")
            && !anchors.computeIfAbsent(target, DocsTest::anchorsOf).contains(anchor)) {
          broken.add(
              ROOT.relativize(page)
                  + ": "
                  + href
                  + " (no such heading in "
                  + ROOT.relativize(target)
                  + ")");
        }
      }
    }

    assertTrue(
        links > 100,
        "only "
            + links
            + " relative links found in "
            + pages.size()
            + " files: is the parser blind?");
    assertEquals(List.of(), broken);
  }

  @Test
  void everyGuideCanBeReachedFromTheReadme() throws IOException {
    Set<Path> reached = new LinkedHashSet<>();
    List<Path> toVisit = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    while (!toVisit.isEmpty()) {
      Path page = toVisit.remove(toVisit.size() - 1);
      if (!reached.add(page)) {
        continue;
      }
      for (String href : relativeLinks(Files.readString(page))) {
        String file = href.contains("#") ? href.substring(0, href.indexOf('#')) : href;
        Path target = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        if (Files.isDirectory(target)) {
          try (Stream<Path> listed = Files.list(target)) {
            listed.filter(p -> p.toString().endsWith(".md")).forEach(toVisit::add);
          }
        } else if (target.toString().endsWith(".md") && Files.isRegularFile(target)) {
          toVisit.add(target);
        }
      }
    }

    List<Path> orphans =
        markdownFiles().stream()
            .filter(p -> ROOT.relativize(p).startsWith("docs"))
            .filter(p -> !reached.contains(p))
            .map(ROOT::relativize)
            .toList();
    assertEquals(
        List.of(), orphans, "pages under docs/ that no chain of links from the README leads to");
  }

  @Test
  void turnsHeadingsIntoAnchorsAsGitHubDoes() {
    assertEquals(
        Set.of(
            "check-the-preflight",
            "first-deployment-step-by-step",
            "memory-measure-rsssh",
            "how-run-takes-and-settles-a-message",
            "a-5-minute-tour",
            "sizing",
            "sizing-1"),
        anchorsOf(
            "## `check`: the preflight\n### First deployment, step by step\n## Memory: `measure-rss.sh`\n"
                + "## How `run` takes and settles a message\n## A 5-minute tour\n## Sizing\n## Sizing\n"));
  }

  @Test
  void findsLinksOutsideCodeOnly() {
    String text =
        """
        See [design](design.md#failures) and [`check`](commands.md).
        ```
        [not a link](nowhere.md)
        ```
        Not this: `[x](y.md)`; nor [the web](https://example.com).
        """;

    assertEquals(List.of("design.md#failures", "commands.md"), relativeLinks(text));
  }

  /** Every Markdown file of the project, outside build output, installed packages and VCS data. */
  static List<Path> markdownFiles() throws IOException {
    try (Stream<Path> all = Files.walk(ROOT)) {
      return all.filter(p -> p.toString().endsWith(".md"))
          .filter(
              p -> {
                for (Path part : ROOT.relativize(p)) {
                  String name = part.toString();
                  if (name.equals("target")
                      || name.equals("node_modules")
                      || name.startsWith(".")) {
                    return false;
                  }
                }
                return true;
              })
          .sorted()
          .toList();
    }
  }

  /** The relative link targets of a Markdown text, outside code blocks and code spans. */
  static List<String> relativeLinks(String markdown) {
    String prose = CODE_SPAN.matcher(FENCE.matcher(markdown).replaceAll("")).replaceAll("");
    List<String> hrefs = new ArrayList<>();
    Matcher m = LINK.matcher(prose);
    while (m.find()) {
      String href = m.group(1);
      if (!href.matches("(?i)[a-z][a-z0-9+.-]*:.*")) {
        hrefs.add(href);
      }
    }
    return hrefs;
  }

  static Set<String> anchorsOf(Path page) {
    try {
      return anchorsOf(Files.readString(page));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered.
   */
  static Set<String> anchorsOf(String markdown) {
    Set<String> anchors = new LinkedHashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    Matcher m = HEADING.matcher(FENCE.matcher(markdown).replaceAll(""));
    while (m.find()) {
      String slug =
          m.group(1)
              .toLowerCase(Locale.ROOT)
              .replaceAll("[^\\p{L}\\p{N} _-]", "")
              .replace(' ', '-');
      int n = seen.merge(slug, 1, Integer::sum) - 1;
      anchors.add(n == 0 ? slug : slug + "-" + n);
    }
    return anchors;
  }
}
