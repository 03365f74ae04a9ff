package dev.offboarding.worker.graph;

import com.microsoft.graph.models.SignIn;
import com.microsoft.graph.models.SignInCollectionResponse;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.offboarding.contracts.AccessAudit;
import dev.offboarding.contracts.Target;
import dev.offboarding.worker.tenant.GraphFailure;
import dev.offboarding.worker.watch.SignInLog;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@link SignInLog} through the Graph SDK v6: {@code GET /auditLogs/signIns} with {@code $filter=
 * createdDateTime ge <since> and status/errorCode eq 0 and (userId eq '<id>' or ...)}, every
 * {@code @odata.nextLink} followed, each request through the gate first. The filter is built from
 * object ids the worker checked to be GUIDs and an instant it formatted itself, never from event
 * text. v1.0 lists interactive sign-ins only. Needs {@code AuditLog.Read.All} and {@code
 * Directory.Read.All}, and an Entra ID P1 or P2 licence. Not retried here: a failed read is the
 * watch's to schedule again. Thread-safe.
 */
public final class GraphSignInLog implements SignInLog {
  private static final Logger LOG = System.getLogger(GraphSignInLog.class.getName());

  /**
   * The page size asked for: the largest Graph serves for this list (1,000), so a window takes one
   * request.
   */
  static final int PAGE_SIZE = 1000;

  /** Pages one read follows; a revoked user's window holds far fewer sign-ins. */
  static final int MAX_PAGES = 20;

  private final GraphServiceClient graph;
  private final Clock clock;
  private final int pageSize;

  /** The sign-in log read through {@code graph}, 1,000 sign-ins a page. */
  public GraphSignInLog(GraphServiceClient graph, Clock clock) {
    this(graph, clock, PAGE_SIZE);
  }

  /** With a smaller page ({@code $top}), to exercise paging. */
  GraphSignInLog(GraphServiceClient graph, Clock clock, int pageSize) {
    this.graph = graph;
    this.clock = clock;
    this.pageSize = pageSize;
  }

  /** The filter of one read: built from checked ids and a formatted instant only. */
  static String filter(Instant since, List<String> userIds) {
    if (userIds.isEmpty() || userIds.size() > USERS_PER_REQUEST) {
      throw new IllegalArgumentException("a read names 1.." + USERS_PER_REQUEST + " users");
    }
    for (String id : userIds) {
      if (!Target.isGuid(id)) {
        throw new IllegalArgumentException("user ids must be GUIDs");
      }
    }
    String users =
        userIds.stream()
            .map(id -> "userId eq '" + id.toLowerCase(Locale.ROOT) + "'")
            .collect(Collectors.joining(" or ", "(", ")"));
    return "createdDateTime ge "
        + DateTimeFormatter.ISO_INSTANT.format(since.truncatedTo(ChronoUnit.SECONDS))
        + " and status/errorCode eq 0 and "
        + users;
  }

  @Override
  public List<Seen> successfulSince(Instant since, List<String> userIds, RequestGate gate)
      throws InterruptedException {
    String filter = filter(since, userIds);
    Set<String> asked =
        userIds.stream().map(id -> id.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    List<Seen> out = new ArrayList<>();
    SignInCollectionResponse page =
        call(
            gate,
            () ->
                graph
                    .auditLogs()
                    .signIns()
                    .get(
                        rc -> {
                          rc.queryParameters.filter = filter;
                          rc.queryParameters.top = pageSize;
                        }));
    Set<String> links = new HashSet<>();
    for (int pages = 1; page != null; pages++) {
      for (SignIn s : page.getValue() == null ? List.<SignIn>of() : page.getValue()) {
        Seen seen = toSeen(s, asked);
        if (seen != null) {
          out.add(seen);
        }
      }
      String next = page.getOdataNextLink();
      if (next == null) {
        break;
      }
      if (pages >= MAX_PAGES || !links.add(next) || !next.contains("/auditLogs/signIns")) {
        throw new GraphFailure(
            GraphFailure.Kind.OTHER,
            0,
            "UnexpectedNextLink",
            "the sign-in log's next link was repeated, foreign or one page too many",
            null,
            null,
            null);
      }
      page = call(gate, () -> graph.auditLogs().signIns().withUrl(next).get());
    }
    return out;
  }

  /**
   * One entry as the audit carries it, or null for one that is not a successful sign-in of a user
   * asked for, or does not read (logged, never published half-read).
   */
  private static Seen toSeen(SignIn s, Set<String> asked) {
    if (s.getUserId() == null
        || !asked.contains(s.getUserId().toLowerCase(Locale.ROOT))
        || s.getStatus() == null
        || s.getStatus().getErrorCode() == null
        || s.getStatus().getErrorCode() != 0
        || s.getCreatedDateTime() == null) {
      return null;
    }
    try {
      return new Seen(
          s.getUserId().toLowerCase(Locale.ROOT),
          new AccessAudit.SignIn(
              s.getId(),
              s.getCreatedDateTime().toInstant(),
              name(s.getAppDisplayName()),
              guidOrNull(s.getAppId()),
              name(s.getResourceDisplayName()),
              ipOrNull(s.getIpAddress()),
              !Boolean.FALSE.equals(s.getIsInteractive())));
    } catch (IllegalArgumentException e) {
      LOG.log(
          Level.WARNING,
          "a sign-in of the log could not be read (" + e.getMessage() + "); it is not published");
      return null;
    }
  }

  private static String name(String s) {
    if (s == null || s.isBlank()) {
      return null;
    }
    String clean =
        s.chars()
            .filter(c -> !Character.isISOControl(c))
            .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
            .toString()
            .strip();
    if (clean.isEmpty()) {
      return null;
    }
    return clean.length() > AccessAudit.SignIn.MAX_NAME_LENGTH
        ? clean.substring(0, AccessAudit.SignIn.MAX_NAME_LENGTH)
        : clean;
  }

  private static String guidOrNull(String s) {
    return s != null && Target.isGuid(s) ? s : null;
  }

  private static String ipOrNull(String s) {
    if (s == null || s.isBlank()) {
      return null;
    }
    // A shape the audit does not take is left out rather than the sign-in dropped.
    try {
      new AccessAudit.SignIn(
          "00000000-0000-0000-0000-000000000000", Instant.EPOCH, null, null, null, s, true);
      return s;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** One request through the gate: waits for it first, and tells it when the request is over. */
  private <T> T call(RequestGate gate, java.util.function.Supplier<T> request)
      throws InterruptedException {
    gate.pass();
    try {
      return request.get();
    } catch (RuntimeException e) {
      throw GraphErrors.translate(e, clock);
    } finally {
      gate.sent();
    }
  }
}
