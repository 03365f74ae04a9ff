package dev.offboarding.contracts;

import java.util.List;

/**
 * Realistic events for the local runner and end-to-end tests, as classpath resource names. All but
 * {@link #MALFORMED} are valid; that one is what a broken producer sends and must be rejected.
 */
public final class SampleEvents {
  private static final String DIR = Resources.BASE + "samples/";

  /** An HR leaver: disable and revoke one user by UPN. */
  public static final String LEAVER_ONE_USER = DIR + "leaver-one-user.json";

  /** An HR leaver for every transitive member of one group. */
  public static final String LEAVER_GROUP = DIR + "leaver-group.json";

  /** A SIEM compromise alert that only revokes sessions. */
  public static final String COMPROMISE_REVOKE_ONLY = DIR + "compromise-revoke-only.json";

  /** A malformed leaver (bad UPN, non-GUID group, unknown action, empty reason); it has an id. */
  public static final String MALFORMED = DIR + "malformed.json";

  private SampleEvents() {}

  /** Every sample, valid ones first. */
  public static List<String> all() {
    return List.of(LEAVER_ONE_USER, LEAVER_GROUP, COMPROMISE_REVOKE_ONLY, MALFORMED);
  }

  /** The bytes of one sample. */
  public static byte[] load(String name) {
    return Resources.load(name);
  }
}
