package dev.offboarding.contracts;

import java.util.List;

/**
 * Where the JSON Schemas (draft 2020-12) of the v1 contracts live on the classpath. Names are full
 * resource names, usable with {@link ClassLoader#getResource} or {@link #load}.
 */
public final class Schemas {
  private static final String DIR = Resources.BASE + "schema/";

  /** Offboarding events: the CloudEvents envelope and its {@code data}. */
  public static final String EVENT = DIR + "event.v1.schema.json";

  /** {@code dev.offboarding.audit.target.v1} messages, envelope included. */
  public static final String AUDIT_TARGET = DIR + "audit-target.v1.schema.json";

  /** {@code dev.offboarding.audit.summary.v1} messages, envelope included. */
  public static final String AUDIT_SUMMARY = DIR + "audit-summary.v1.schema.json";

  /**
   * {@code dev.offboarding.audit.access.v1} messages (what the sign-in watch saw), envelope
   * included.
   */
  public static final String AUDIT_ACCESS = DIR + "audit-access.v1.schema.json";

  /**
   * {@code dev.offboarding.audit.resume.v1} messages (a Lifecycle Workflows task resumed), envelope
   * included.
   */
  public static final String AUDIT_RESUME = DIR + "audit-resume.v1.schema.json";

  private Schemas() {}

  /** Every schema above. */
  public static List<String> all() {
    return List.of(EVENT, AUDIT_TARGET, AUDIT_SUMMARY, AUDIT_ACCESS, AUDIT_RESUME);
  }

  /** The bytes of one of these schemas. */
  public static byte[] load(String name) {
    return Resources.load(name);
  }
}
