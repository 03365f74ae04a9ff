package dev.offboarding.testkit.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a fresh clone's Node project is made ready, with stand-ins for {@code node} and {@code npm}
 * on a PATH of the test's own: each stand-in {@code npm} records how it was called and installs
 * what a real {@code npm ci} would.
 */
class NodeProjectTest {
  @TempDir Path dir;
  Path project;
  Path bin;

  @BeforeEach
  void aProjectWithALockFileAndNothingInstalled() throws IOException {
    project = Files.createDirectories(dir.resolve("node"));
    Files.writeString(project.resolve("package.json"), "{\"name\":\"suite\",\"private\":true}");
    Files.writeString(
        project.resolve("package-lock.json"), "{\"lockfileVersion\":3,\"packages\":{}}");
    bin = Files.createDirectories(dir.resolve("bin"));
  }

  private void tool(String name, String script) throws IOException {
    Path file = bin.resolve(name);
    Files.writeString(file, "#!/bin/sh\n" + script + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private NodeProject.Readiness prepare() {
    return NodeProject.at(project, Map.of("PATH", bin.toString())).prepareNow();
  }

  private List<String> npmCalls() throws IOException {
    Path calls = dir.resolve("npm-calls.txt");
    return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
  }

  private void workingNpm() throws IOException {
    tool(
        "npm",
        "echo \"$*\" >> '"
            + dir.resolve("npm-calls.txt")
            + "'\n/bin/rm -rf node_modules && /bin/mkdir -p node_modules/@azure/service-bus");
  }

  @Test
  void installsTheLockedPackagesOnAFreshCloneOnceAndPreferringTheCache() throws IOException {
    tool("node", "exit 0");
    workingNpm();

    NodeProject.Readiness first = prepare();
    NodeProject.Readiness second = prepare();

    assertTrue(first.ready(), first.problem());
    assertTrue(first.installed());
    assertEquals(bin.resolve("node"), first.node().orElseThrow());
    assertTrue(
        second.ready() && !second.installed(), "installed packages that match the lock are kept");
    assertEquals(List.of("ci --prefer-offline --no-audit --no-fund --loglevel=error"), npmCalls());
    assertTrue(Files.isDirectory(project.resolve("node_modules/@azure/service-bus")));
  }

  @Test
  void installsAgainWhenTheLockFileChanged() throws IOException {
    tool("node", "exit 0");
    workingNpm();
    prepare();

    Files.writeString(
        project.resolve("package-lock.json"), "{\"lockfileVersion\":3,\"packages\":{\"x\":{}}}");
    NodeProject.Readiness afterChange = prepare();

    assertTrue(afterChange.ready() && afterChange.installed(), afterChange.toString());
    assertEquals(2, npmCalls().size(), npmCalls().toString());
  }

  @Test
  void installsOverPackagesNotInstalledFromThisLock() throws IOException {
    tool("node", "exit 0");
    workingNpm();
    // node_modules from an older lock, or an npm install by hand: nothing says it matches.
    Files.createDirectories(project.resolve("node_modules/@azure/service-bus"));

    NodeProject.Readiness readiness = prepare();

    assertTrue(readiness.installed(), readiness.toString());
    assertEquals(1, npmCalls().size());
  }

  @Test
  void saysNodeIsMissingWithoutTryingToInstall() throws IOException {
    workingNpm();

    NodeProject.Readiness readiness = prepare();

    assertFalse(readiness.ready());
    assertEquals("node is not on the PATH", readiness.problem());
    assertEquals(List.of(), npmCalls());
  }

  @Test
  void saysNpmIsMissingWhenThePackagesNeedInstalling() throws IOException {
    tool("node", "exit 0");

    NodeProject.Readiness readiness = prepare();

    assertFalse(readiness.ready());
    assertTrue(
        readiness
            .problem()
            .startsWith("npm is not on the PATH, and " + project.resolve("node_modules")),
        readiness.problem());
  }

  @Test
  void namesTheLastLineOfAFailedInstall() throws IOException {
    tool("node", "exit 0");
    tool(
        "npm",
        "echo 'npm error code ENOTCACHED'\necho 'npm error request to https://registry.npmjs.org/rhea failed'\nexit 1");

    NodeProject.Readiness readiness = prepare();

    assertFalse(readiness.ready());
    assertEquals(
        "npm ci in "
            + project
            + " failed (exit 1): npm error request to https://registry.npmjs.org/rhea failed",
        readiness.problem());
    assertFalse(Files.exists(project.resolve("node_modules").resolve(NodeProject.STAMP)));
  }
}
