package dev.offboarding.worker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What {@code check} asks of the worker's token is what the grant script grants and what the
 * configuration guide lists, so a permission added to one cannot be forgotten in the others.
 */
class GraphPermissionsAgreementTest {

  @Test
  void theGrantScriptGrantsExactlyThePermissionsCheckRequires() throws Exception {
    String script =
        Files.readString(Path.of("..", "deploy", "azure", "grant-graph-permissions.sh"));
    Matcher m = Pattern.compile("(?s)PERMISSIONS=\\((.*?)\\)").matcher(script);
    assertTrue(m.find(), "no PERMISSIONS=(...) in the script");

    List<String> granted = Arrays.stream(m.group(1).trim().split("\\s+")).toList();

    assertEquals(
        GraphPermissions.REQUIRED.stream().map(GraphPermissions.Required::name).toList(), granted);
  }

  @Test
  void theGrantScriptGrantsTheContainmentPermissionsCheckListsOnlyWhenAskedTo() throws Exception {
    String script =
        Files.readString(Path.of("..", "deploy", "azure", "grant-graph-permissions.sh"));
    Matcher m =
        Pattern.compile(
                "(?s)GRANT_CONTAINMENT:-false}\" = true ]; then\\s+PERMISSIONS\\+=\\((.*?)\\)")
            .matcher(script);
    assertTrue(m.find(), "no GRANT_CONTAINMENT block adding to PERMISSIONS in the script");

    List<String> granted = Arrays.stream(m.group(1).trim().split("\\s+")).toList();

    assertEquals(
        GraphPermissions.CONTAINMENT.stream().map(GraphPermissions.Required::name).toList(),
        granted);
  }

  @Test
  void theGuidesNameEveryContainmentPermission() throws Exception {
    String configuration = Files.readString(Path.of("..", "docs", "configuration.md"));
    String containment = Files.readString(Path.of("..", "docs", "containment.md"));
    for (GraphPermissions.Required required : GraphPermissions.CONTAINMENT) {
      assertTrue(
          configuration.contains("`" + required.name() + "`"),
          required.name() + " not in configuration.md");
      assertTrue(
          containment.contains("`" + required.name() + "`"),
          required.name() + " not in containment.md");
    }
  }

  @Test
  void theConfigurationGuideNamesEveryPermissionCheckRequires() throws Exception {
    String guide = Files.readString(Path.of("..", "docs", "configuration.md"));
    int start = guide.indexOf("## Graph application permissions");
    assertTrue(start >= 0, "docs/configuration.md has no '## Graph application permissions'");
    String section = guide.substring(start);
    section = section.substring(0, section.indexOf("\n## ", 1));

    for (GraphPermissions.Required required : GraphPermissions.REQUIRED) {
      assertTrue(
          section.contains("`" + required.name() + "`"),
          required.name() + " is not in docs/configuration.md");
    }
  }
}
