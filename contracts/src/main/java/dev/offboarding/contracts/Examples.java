package dev.offboarding.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The examples that document and test the v1 contracts, as classpath resource names: events, and
 * target audit messages ({@link #auditTargets()}). Every valid example event is accepted by both
 * the schema and {@link EventCodec}; every invalid one is rejected by both, with at least the
 * problem paths {@link #expectedProblemPaths()} lists.
 */
public final class Examples {
  private static final String DIR = Resources.BASE + "examples/";

  /** The index of invalid examples: file name to the JSONPaths of the problems each must produce. */
  public static final String EXPECTED_PROBLEMS = DIR + "invalid/expected-problems.json";

  private static final List<String> VALID =
      names(
          "valid/",
          "cancel.json",
          "compromise-revoke-only.json",
          "dry-run.json",
          "hard-upns.json",
          "leaver-attribute.json",
          "leaver-effective-at.json",
          "leaver-explicit-actions.json",
          "leaver-group.json",
          "leaver-user-by-id.json",
          "leaver-user-by-upn.json",
          "minimal.json",
          "restore.json",
          "time-with-offset.json",
          "with-extensions.json");

  private static final List<String> INVALID =
      names(
          "invalid/",
          "attribute-not-allowed.json",
          "attribute-value-blank.json",
          "attribute-without-equals.json",
          "blank-reason.json",
          "cancel-with-targets.json",
          "cancel-without-requested-by.json",
          "compromise-with-effective-at.json",
          "data-not-an-object.json",
          "dry-run-not-a-boolean.json",
          "duplicate-action.json",
          "duplicate-keys.json",
          "effective-at-without-offset.json",
          "empty-actions.json",
          "empty-targets.json",
          "extension-with-bad-name.json",
          "extension-with-object-value.json",
          "five-faults.json",
          "group-not-a-guid.json",
          "id-too-long.json",
          "id-with-control-character.json",
          "leaver-with-enable.json",
          "malformed-upn.json",
          "missing-data.json",
          "missing-id.json",
          "missing-reason.json",
          "missing-targets.json",
          "not-an-object.json",
          "not-json.json",
          "reason-not-a-string.json",
          "reason-too-long.json",
          "restore-with-disable.json",
          "restore-with-group.json",
          "source-empty.json",
          "source-not-a-uri-reference.json",
          "target-not-an-object.json",
          "target-with-raw-filter.json",
          "target-with-two-kinds.json",
          "ticket-too-long.json",
          "time-impossible-date.json",
          "time-not-rfc3339.json",
          "too-many-targets.json",
          "unexpected-data-property.json",
          "unknown-action.json",
          "unknown-type.json",
          "wrong-datacontenttype.json",
          "wrong-specversion.json");

  /**
   * Example {@code dev.offboarding.audit.target.v1} messages: accepted by the target audit schema
   * and decoded by {@link AuditCodec}, which encodes them back to the same JSON.
   */
  private static final List<String> AUDIT_TARGETS =
      names("audit/", "target-unverified.json", "target-verification-off.json");

  private Examples() {}

  /** Resource names of the valid examples. */
  public static List<String> valid() {
    return VALID;
  }

  /** Resource names of the invalid examples. */
  public static List<String> invalid() {
    return INVALID;
  }

  /** Resource names of the example target audit messages. */
  public static List<String> auditTargets() {
    return AUDIT_TARGETS;
  }

  /** The bytes of one example (or of any contracts resource). */
  public static byte[] load(String name) {
    return Resources.load(name);
  }

  /**
   * Invalid example resource name to the problem paths decoding it must report (among others).
   */
  public static Map<String, List<String>> expectedProblemPaths() {
    JsonNode index;
    try {
      index = new StrictJson().read(load(EXPECTED_PROBLEMS));
    } catch (StrictJson.MalformedJsonException e) {
      throw new IllegalStateException(EXPECTED_PROBLEMS + " is broken: " + e.getMessage());
    }
    Map<String, List<String>> expected = new LinkedHashMap<>();
    index.fields().forEachRemaining(
        e -> {
          List<String> paths = new ArrayList<>();
          e.getValue().elements().forEachRemaining(p -> paths.add(p.asText()));
          expected.put(DIR + "invalid/" + e.getKey(), List.copyOf(paths));
        });
    return expected;
  }

  private static List<String> names(String subdirectory, String... files) {
    return Arrays.stream(files).map(f -> DIR + subdirectory + f).toList();
  }
}
