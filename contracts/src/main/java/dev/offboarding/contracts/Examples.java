package dev.offboarding.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The examples that document and test the v1 contracts, as classpath resource names: events, and
 * audit messages ({@link #auditTargets()}, {@link #auditSummaries()}, {@link #auditAccesses()},
 * {@link #invalidAudits()}). Every valid example event is accepted by both the schema and {@link
 * EventCodec}; every invalid one is rejected by both, with at least the problem paths {@link
 * #expectedProblemPaths()} lists. Every valid audit example is accepted by its schema and {@link
 * AuditCodec}; every invalid one is refused by both, the codec naming the path {@link
 * #expectedAuditProblemPaths()} gives.
 */
public final class Examples {
  private static final String DIR = Resources.BASE + "examples/";

  /**
   * The index of invalid examples: file name to the JSONPaths of the problems each must produce.
   */
  public static final String EXPECTED_PROBLEMS = DIR + "invalid/expected-problems.json";

  /** The index of invalid audit examples: file name to the JSONPath the codec must name. */
  public static final String EXPECTED_AUDIT_PROBLEMS = DIR + "audit-invalid/expected-problems.json";

  private static final List<String> VALID =
      names(
          "valid/",
          "approve-naming-users.json",
          "approve.json",
          "cancel.json",
          "compromise-containment.json",
          "compromise-revoke-only.json",
          "dry-run.json",
          "hard-upns.json",
          "leaver-attribute.json",
          "leaver-effective-at.json",
          "leaver-explicit-actions.json",
          "leaver-group.json",
          "leaver-user-by-id.json",
          "leaver-user-by-upn.json",
          "leaver-with-containment.json",
          "minimal.json",
          "restore-devices.json",
          "restore.json",
          "time-with-offset.json",
          "with-extensions.json");

  private static final List<String> INVALID =
      names(
          "invalid/",
          "approve-user-malformed.json",
          "approve-with-targets.json",
          "approve-without-requested-by.json",
          "attribute-not-allowed.json",
          "attribute-value-blank.json",
          "attribute-without-equals.json",
          "blank-reason.json",
          "cancel-with-targets.json",
          "cancel-without-requested-by.json",
          "compromise-with-effective-at.json",
          "compromise-with-enable-devices.json",
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
          "leaver-with-device-ids.json",
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
          "restore-with-reset-password.json",
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
          "unknown-containment-action.json",
          "unknown-type.json",
          "wrong-datacontenttype.json",
          "wrong-specversion.json");

  /**
   * Example {@code dev.offboarding.audit.target.v1} messages: accepted by the target audit schema
   * and decoded by {@link AuditCodec}, which encodes them back to the same JSON.
   */
  private static final List<String> AUDIT_TARGETS =
      names(
          "audit/",
          "target-compromise-contained.json",
          "target-synchronised-guest.json",
          "target-unverified.json",
          "target-verification-off.json");

  /**
   * Example {@code dev.offboarding.audit.summary.v1} messages: accepted by the summary audit schema
   * and decoded by {@link AuditCodec}, which encodes them back to the same JSON.
   */
  private static final List<String> AUDIT_SUMMARIES =
      names(
          "audit/",
          "summary-awaiting-approval.json",
          "summary-compromise-contained.json",
          "summary-partial.json",
          "summary-rejected.json",
          "summary-scheduled-lifecycle-task.json");

  /**
   * Example {@code dev.offboarding.audit.access.v1} messages: accepted by the access audit schema
   * and decoded by {@link AuditCodec}, which encodes them back to the same JSON.
   */
  private static final List<String> AUDIT_ACCESSES =
      names("audit/", "access-none-seen.json", "access-sign-in-seen.json");

  /**
   * Example {@code dev.offboarding.audit.resume.v1} messages: accepted by the resume audit schema
   * and decoded by {@link AuditCodec}, which encodes them back to the same JSON.
   */
  private static final List<String> AUDIT_RESUMES =
      names("audit/", "resume-refused.json", "resume-resumed.json");

  /** Audit messages, of either type, that the audit schemas and {@link AuditCodec} both refuse. */
  private static final List<String> INVALID_AUDITS =
      names(
          "audit-invalid/",
          "access-ip-not-an-address.json",
          "access-seen-without-sign-ins.json",
          "access-sign-in-with-unknown-member.json",
          "access-unknown-outcome.json",
          "access-without-provenance.json",
          "summary-provenance-not-an-object.json",
          "summary-provenance-source-not-a-uri-reference.json",
          "summary-provenance-ticket-too-long.json",
          "target-provenance-queue-not-an-entity-name.json",
          "target-provenance-with-unknown-member.json",
          "target-access-with-unknown-member.json",
          "target-device-ids-on-a-password-reset.json",
          "target-provenance-without-queue.json",
          "target-unknown-risk-state.json");

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

  /** Resource names of the example summary audit messages. */
  public static List<String> auditSummaries() {
    return AUDIT_SUMMARIES;
  }

  /** Resource names of the example access audit messages (what the sign-in watch saw). */
  public static List<String> auditAccesses() {
    return AUDIT_ACCESSES;
  }

  /** Resource names of the example resume audit messages (a Lifecycle Workflows task answered). */
  public static List<String> auditResumes() {
    return AUDIT_RESUMES;
  }

  /** Resource names of the invalid audit messages, of every audit type. */
  public static List<String> invalidAudits() {
    return INVALID_AUDITS;
  }

  /** The bytes of one example (or of any contracts resource). */
  public static byte[] load(String name) {
    return Resources.load(name);
  }

  /** Invalid example resource name to the problem paths decoding it must report (among others). */
  public static Map<String, List<String>> expectedProblemPaths() {
    return index(EXPECTED_PROBLEMS, "invalid/");
  }

  /**
   * Invalid audit example resource name to the problem paths its rejection must name; {@link
   * AuditCodec} stops at the first problem, so each example breaks one rule.
   */
  public static Map<String, List<String>> expectedAuditProblemPaths() {
    return index(EXPECTED_AUDIT_PROBLEMS, "audit-invalid/");
  }

  private static Map<String, List<String>> index(String resource, String subdirectory) {
    JsonNode index;
    try {
      index = new StrictJson().read(load(resource));
    } catch (StrictJson.MalformedJsonException e) {
      throw new IllegalStateException(resource + " is broken: " + e.getMessage());
    }
    Map<String, List<String>> expected = new LinkedHashMap<>();
    index
        .fields()
        .forEachRemaining(
            e -> {
              List<String> paths = new ArrayList<>();
              e.getValue().elements().forEachRemaining(p -> paths.add(p.asText()));
              expected.put(DIR + subdirectory + e.getKey(), List.copyOf(paths));
            });
    return expected;
  }

  private static List<String> names(String subdirectory, String... files) {
    return Arrays.stream(files).map(f -> DIR + subdirectory + f).toList();
  }
}
