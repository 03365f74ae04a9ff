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
 * What {@code check} asks of the worker's token is what the grant script grants and what the README
 * lists, so a permission added to one cannot be forgotten in the others.
 */
class GraphPermissionsAgreementTest {

  @Test
  void theGrantScriptGrantsExactlyThePermissionsCheckRequires() throws Exception {
    String script = Files.readString(Path.of("..", "deploy", "azure", "grant-graph-permissions.sh"));
    Matcher m = Pattern.compile("(?s)PERMISSIONS=\\((.*?)\\)").matcher(script);
    assertTrue(m.find(), "no PERMISSIONS=(...) in the script");

    List<String> granted = Arrays.stream(m.group(1).trim().split("\\s+")).toList();

    assertEquals(GraphPermissions.REQUIRED.stream().map(GraphPermissions.Required::name).toList(), granted);
  }

  @Test
  void theReadmeNamesEveryPermissionCheckRequires() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));

    for (GraphPermissions.Required required : GraphPermissions.REQUIRED) {
      assertTrue(readme.contains("`" + required.name() + "`"), required.name() + " is not in the README");
    }
  }
}
