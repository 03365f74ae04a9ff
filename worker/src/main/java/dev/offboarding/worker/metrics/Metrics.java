package dev.offboarding.worker.metrics;

import dev.offboarding.contracts.ActionResult;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.TargetAudit;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The worker's metrics, owned in one place: the exported Prometheus names are the constants below,
 * and every tag value comes from a small closed set (event type, outcome, action, HTTP status,
 * method). No user id, UPN or event id is ever a tag value. Every series exists from the start, at
 * 0, for every value of its closed set (see {@code registerAtZero}), so that alerts see the first
 * occurrence of anything as an increase. Thread-safe; one instance per process, passed by
 * constructor.
 */
public final class Metrics {
  /**
   * Events settled, by {@code type} and {@code outcome} (a summary status, or {@code ABANDONED}).
   */
  public static final String EVENTS = "offboarding_events_total";

  /** Events being processed right now. */
  public static final String EVENTS_IN_FLIGHT = "offboarding_events_in_flight";

  /** Event attempts repeated in-process after a transient failure, by {@code reason}. */
  public static final String EVENT_RETRIES = "offboarding_event_retries_total";

  /** Users' action results, by {@code action} and {@code outcome}. */
  public static final String TARGETS = "offboarding_targets_total";

  /**
   * From the event message's enqueue to Graph's success of its revokeSignInSessions, by {@code
   * type}.
   */
  public static final String TIME_TO_REVOKE = "offboarding_time_to_revoke_seconds";

  /**
   * HTTP requests sent to Graph, by {@code method} and {@code status} ({@code error} when no
   * response).
   */
  public static final String GRAPH_REQUESTS = "offboarding_graph_requests_total";

  /** Graph writes answered 429 (including items of a {@code $batch}). */
  public static final String GRAPH_THROTTLED = "offboarding_graph_throttled_total";

  /**
   * Accepted Graph writes whose answer warned that more than 80 % of a throttling limit is used.
   */
  public static final String GRAPH_LIMIT_WARNINGS = "offboarding_graph_limit_warnings_total";

  /** Current pace of the tenant write governor, writes per second. */
  public static final String GRAPH_WRITE_RATE = "offboarding_graph_write_rate";

  /** The configured tenant write budget ({@code GRAPH_WRITES_PER_SECOND}). */
  public static final String GRAPH_WRITE_BUDGET = "offboarding_graph_write_budget";

  /** Writes waiting for budget, by {@code priority} ({@code urgent} or {@code bulk}). */
  public static final String GRAPH_WRITES_WAITING = "offboarding_graph_writes_waiting";

  /** Users of in-flight events still waiting for their result, by {@code priority}. */
  public static final String EVENT_USERS_REMAINING = "offboarding_event_users_remaining";

  /** Events whose writes are running. */
  public static final String EVENTS_EXECUTING = "offboarding_events_executing";

  /** Graph write attempts beyond the first, by {@code action}. */
  public static final String GRAPH_RETRIES = "offboarding_graph_retries_total";

  /**
   * Audit messages published, by {@code type} ({@code target} or {@code summary}) and {@code
   * entity} ({@code topic} or {@code reply}).
   */
  public static final String AUDIT_MESSAGES = "offboarding_audit_messages_total";

  /** Settlements that failed (lock lost, connection gone), by {@code settlement}. */
  public static final String SETTLEMENT_FAILURES = "offboarding_settlement_failures_total";

  /** 1 while intake is paused after a transient failure, else 0. */
  public static final String INTAKE_PAUSED = "offboarding_intake_paused";

  /** Pauses of intake after transient failures. */
  public static final String INTAKE_PAUSES = "offboarding_intake_pauses_total";

  /**
   * Audit copies that could not be sent and are not retried (a reply entity), by {@code entity}.
   */
  public static final String AUDIT_FAILURES = "offboarding_audit_failures_total";

  /**
   * Follow-ups sent for events that continue, by {@code reason} ({@code bound}, {@code transient},
   * {@code shutdown}, {@code brake}).
   */
  public static final String CONTINUATIONS = "offboarding_continuations_total";

  /**
   * Writes read back, by {@code action} and {@code result} ({@code verified}, {@code unverified}).
   */
  public static final String VERIFICATIONS = "offboarding_verifications_total";

  /** Age of the protected set in memory, seconds (-1 before the first load). */
  public static final String PROTECTED_SET_AGE = "offboarding_protected_set_age_seconds";

  /**
   * 1 while {@code /health/ready} answers 200 (preflight passed, intake receiving, audit sender
   * connected, protected set fresh), else 0, so alerts need no probe of their own.
   */
  public static final String READY = "offboarding_ready";

  /** Cancellation markers this worker knows and has not seen expire. */
  public static final String CANCELLATION_MARKERS = "offboarding_cancellation_markers";

  /**
   * 1 while more unexpired cancellation markers lie on the internal queue than a worker keeps: bulk
   * work waits.
   */
  public static final String CANCELLATION_MARKERS_SATURATED =
      "offboarding_cancellation_markers_saturated";

  /**
   * Peek requests sent to the queues to learn of cancellation markers, by {@code scan} ({@code
   * startup}, {@code tail}).
   */
  public static final String CANCELLATION_MARKER_PEEKS =
      "offboarding_cancellation_marker_peeks_total";

  /** 1 while the protected set is loaded and fresh enough for events, else 0 (events wait). */
  public static final String PROTECTION_READY = "offboarding_protection_ready";

  /**
   * Users the protected set holds as holders of privileged directory roles (never written to when a
   * group or an attribute reaches them); 0 before the first load.
   */
  public static final String PRIVILEGED_ROLE_HOLDERS = "offboarding_privileged_role_holders";

  /** Users re-enabled by restores: enable writes Graph acknowledged. Every one raises an alert. */
  public static final String RESTORES = "offboarding_restores_total";

  /**
   * Events refused by their intake queue's policy (dead-lettered {@code PolicyViolation}), by
   * {@code queue}.
   */
  public static final String POLICY_VIOLATIONS = "offboarding_policy_violations_total";

  /**
   * 1 while the mass-action brake's cap holds work back, by {@code priority} ({@code bulk}: {@code
   * MAX_USERS_PER_HOUR}, the events queue; {@code urgent}: {@code MAX_URGENT_USERS_PER_HOUR}, the
   * urgent queue), as far as this replica has seen; else 0.
   */
  public static final String MASS_ACTION_BRAKE = "offboarding_mass_action_brake";

  /** Successful sign-ins the sign-in watch saw after a revoke, each published once. */
  public static final String SIGN_INS_AFTER_REVOKE = "offboarding_sign_ins_after_revoke_total";

  /** Reads of the sign-in log by the watch, by outcome ({@link #WATCH_POLL_OUTCOMES}). */
  public static final String SIGN_IN_WATCH_POLLS = "offboarding_sign_in_watch_polls_total";

  /** Users whose sign-in watch ended, by outcome ({@link #WATCH_WINDOW_OUTCOMES}). */
  public static final String SIGN_IN_WATCH_WINDOWS = "offboarding_sign_in_watch_windows_total";

  /** The outcomes of a poll of the sign-in log. */
  public static final java.util.List<String> WATCH_POLL_OUTCOMES =
      java.util.List.of("read", "throttled", "refused", "failed", "unavailable");

  /** How a user's watch ends. */
  public static final java.util.List<String> WATCH_WINDOW_OUTCOMES =
      java.util.List.of("sign_in_seen", "none_seen", "unread");

  /**
   * Lifecycle Workflows tasks answered, by {@code outcome}: {@code resumed} (Graph accepted the
   * resume), {@code refused} (Graph answered 4xx; audited, not retried), {@code abandoned} (Graph
   * stayed unavailable; the pending resume is delivered again).
   */
  public static final String LIFECYCLE_RESUMES = "offboarding_lifecycle_resumes_total";

  /** The outcomes of {@link #LIFECYCLE_RESUMES}. */
  public static final java.util.List<String> LIFECYCLE_RESUME_OUTCOMES =
      dev.offboarding.worker.lifecycle.Resumer.OUTCOMES;

  private static final Duration[] REVOKE_BUCKETS = {
    Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
    Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
    Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(15),
    Duration.ofMinutes(30), Duration.ofHours(1)
  };

  private final PrometheusMeterRegistry registry;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger paused = new AtomicInteger();

  /** Meters on a fresh Prometheus registry, every series of a closed label set registered at 0. */
  public Metrics() {
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Gauge.builder(micrometerName(EVENTS_IN_FLIGHT), inFlight, AtomicInteger::get)
        .description("events being processed")
        .register(registry);
    Gauge.builder(micrometerName(INTAKE_PAUSED), paused, AtomicInteger::get)
        .description("1 while intake is paused after a transient failure")
        .register(registry);
    registerAtZero();
  }

  /** Summary statuses and {@code ABANDONED}: the values of {@link #EVENTS}' {@code outcome}. */
  public static final java.util.List<String> EVENT_OUTCOMES =
      java.util.stream.Stream.concat(
              java.util.Arrays.stream(dev.offboarding.contracts.SummaryStatus.values())
                  .map(Enum::name),
              java.util.stream.Stream.of("ABANDONED"))
          .toList();

  /**
   * The values of {@code type} on {@link #EVENTS}: every event type, {@code marker} and {@code
   * invalid}.
   */
  public static final java.util.List<String> EVENT_TYPES =
      java.util.stream.Stream.concat(
              java.util.Arrays.stream(EventType.values())
                  .map(t -> t.name().toLowerCase(Locale.ROOT)),
              java.util.stream.Stream.of("marker", "invalid"))
          .toList();

  /**
   * Why an event continues in a follow-up: the values of {@link #CONTINUATIONS}' {@code reason}.
   */
  public static final java.util.List<String> CONTINUATION_REASONS =
      java.util.List.of("bound", "transient", "shutdown", "brake");

  /**
   * The settlements that can fail: the values of {@link #SETTLEMENT_FAILURES}' {@code settlement}.
   */
  public static final java.util.List<String> SETTLEMENTS =
      java.util.List.of("complete", "deadLetter", "abandon");

  /**
   * The event types whose users' sessions are revoked, the values of {@link #TIME_TO_REVOKE}'s
   * {@code type}.
   */
  private static final java.util.List<EventType> REVOKING =
      java.util.List.of(EventType.LEAVER, EventType.COMPROMISE);

  /**
   * The request a Graph write or read is answered first with when all goes well: method and status.
   */
  private static final String[][] GRAPH_FIRST_ANSWERS = {
    {"GET", "200"}, {"POST", "200"}, {"PATCH", "204"}
  };

  /**
   * Registers every series whose labels come from a closed set at 0, before anything happened, so
   * that a rule's {@code increase()} sees the first event, failure or retry as an increase from 0
   * (a series born at 1 shows no increase) and a panel shows 0 rather than "no data". Series with
   * configured label values (intake queues, the brake's caps) are registered where the values are
   * known ({@link #intakeQueues}, the gauges' owners); {@link #GRAPH_REQUESTS}' status is open, so
   * only each method's usual answer is registered.
   */
  private void registerAtZero() {
    for (String type : EVENT_TYPES) {
      for (String outcome : EVENT_OUTCOMES) {
        events(type, outcome);
      }
    }
    eventRetries("transient");
    for (dev.offboarding.contracts.Action action : dev.offboarding.contracts.Action.values()) {
      String name = action.wireName();
      for (dev.offboarding.contracts.TargetOutcome outcome :
          dev.offboarding.contracts.TargetOutcome.values()) {
        targets(name, outcome.name());
      }
      verifications(name, true);
      verifications(name, false);
      graphRetries(name);
    }
    for (EventType type : REVOKING) {
      timeToRevoke(type.name().toLowerCase(Locale.ROOT));
    }
    for (String[] answer : GRAPH_FIRST_ANSWERS) {
      graphRequests(answer[0], answer[1]);
    }
    graphThrottledCounter();
    graphLimitWarnings();
    auditMessages("target", "topic");
    auditMessages("summary", "topic");
    auditMessages("summary", "reply");
    auditMessages("resume", "topic");
    auditMessages("access", "topic");
    auditFailures("reply");
    CONTINUATION_REASONS.forEach(this::continuations);
    markerPeeks("startup");
    markerPeeks("tail");
    SETTLEMENTS.forEach(this::settlementFailures);
    intakePauses();
    restores();
    // The same for the sign-in watch, whether it is on or not: its alert sees the first sign-in.
    signInsAfterRevoke();
    WATCH_POLL_OUTCOMES.forEach(this::watchPolls);
    WATCH_WINDOW_OUTCOMES.forEach(this::watchWindows);
    // The containment actions' results and read-backs at 0 from start, every label value
    // registered, so that a dashboard or alert sees their first failure as an increase.
    for (dev.offboarding.contracts.Action action : dev.offboarding.contracts.Action.values()) {
      if (!action.containment()) {
        continue;
      }
      for (dev.offboarding.contracts.TargetOutcome outcome :
          dev.offboarding.contracts.TargetOutcome.values()) {
        counter(
            TARGETS,
            "users' action results",
            "action",
            action.wireName(),
            "outcome",
            outcome.name());
      }
      for (String result : new String[] {"verified", "unverified"}) {
        counter(VERIFICATIONS, "writes read back", "action", action.wireName(), "result", result);
      }
    }
    LIFECYCLE_RESUME_OUTCOMES.forEach(this::lifecycleResumes);
  }

  /**
   * A Lifecycle Workflows task was answered: {@code outcome} one of {@link
   * #LIFECYCLE_RESUME_OUTCOMES}.
   */
  public void lifecycleResume(String outcome) {
    if (!LIFECYCLE_RESUME_OUTCOMES.contains(outcome)) {
      throw new IllegalArgumentException("unknown resume outcome");
    }
    lifecycleResumes(outcome).increment();
  }

  private Counter lifecycleResumes(String outcome) {
    return counter(
        LIFECYCLE_RESUMES, "Lifecycle Workflows tasks answered, by outcome", "outcome", outcome);
  }

  private Counter signInsAfterRevoke() {
    return counter(
        SIGN_INS_AFTER_REVOKE, "successful sign-ins seen in the sign-in log after a revoke");
  }

  private Counter watchPolls(String outcome) {
    return counter(
        SIGN_IN_WATCH_POLLS, "reads of the sign-in log by the sign-in watch", "outcome", outcome);
  }

  private Counter watchWindows(String outcome) {
    return counter(SIGN_IN_WATCH_WINDOWS, "users whose sign-in watch ended", "outcome", outcome);
  }

  /** A sign-in after a revoke was published. */
  public void signInAfterRevoke() {
    signInsAfterRevoke().increment();
  }

  /** A poll of the sign-in log ended with {@code outcome}, one of {@link #WATCH_POLL_OUTCOMES}. */
  public void watchPolled(String outcome) {
    watchPolls(WATCH_POLL_OUTCOMES.contains(outcome) ? outcome : "failed").increment();
  }

  /** A user's watch ended with {@code outcome}, one of {@link #WATCH_WINDOW_OUTCOMES}. */
  public void watchWindowClosed(String outcome) {
    if (WATCH_WINDOW_OUTCOMES.contains(outcome)) {
      watchWindows(outcome).increment();
    }
  }

  private Counter restores() {
    return counter(RESTORES, "users re-enabled by restores (enable writes Graph acknowledged)");
  }

  /**
   * Registers a gauge read from a part that owns its own state (the write governor, progress, the
   * protected set): the name is one of the constants above, the tags a closed set.
   */
  public void gauge(
      String prometheusName,
      String description,
      java.util.function.DoubleSupplier value,
      String... tags) {
    Gauge.Builder<java.util.function.DoubleSupplier> gauge =
        Gauge.builder(
                micrometerName(prometheusName),
                value,
                java.util.function.DoubleSupplier::getAsDouble)
            // Micrometer holds a gauge's state weakly; a lambda nothing else keeps would be
            // collected
            // and the gauge would read NaN.
            .strongReference(true)
            .description(description)
            .tags(tags);
    if (prometheusName.endsWith("_seconds")) {
      gauge.baseUnit("seconds");
    }
    gauge.register(registry);
  }

  /**
   * Registers the intake queues' series at 0, so that an alert sees the first violation as an
   * increase: the configured queue names are this metric's only label values.
   */
  public void intakeQueues(java.util.Collection<String> queues) {
    queues.forEach(q -> policyViolations(q));
  }

  /** An event from {@code queue}, a configured intake queue, was refused by that queue's policy. */
  public void policyViolation(String queue) {
    policyViolations(queue).increment();
  }

  private Counter policyViolations(String queue) {
    return counter(
        POLICY_VIOLATIONS, "events refused by their intake queue's policy", "queue", queue);
  }

  /** An audit copy could not be sent and is not retried. */
  public void auditFailed(String entity) {
    auditFailures(entity).increment();
  }

  private Counter auditFailures(String entity) {
    return counter(AUDIT_FAILURES, "audit copies that could not be sent", "entity", entity);
  }

  /** An event continues in a follow-up; {@code reason} says why this delivery did not finish it. */
  public void continued(String reason) {
    continuations(reason).increment();
  }

  private Counter continuations(String reason) {
    return counter(CONTINUATIONS, "follow-ups sent for events that continue", "reason", reason);
  }

  /**
   * A peek request was sent to learn of cancellation markers; {@code scan} is {@code startup} or
   * {@code tail}.
   */
  public void markerPeek(String scan) {
    markerPeeks(scan).increment();
  }

  private Counter markerPeeks(String scan) {
    return counter(
        CANCELLATION_MARKER_PEEKS, "peek requests sent for cancellation markers", "scan", scan);
  }

  /** A write was read back; {@code verified} says whether it showed. */
  public void verification(String action, boolean verified) {
    verifications(action, verified).increment();
  }

  private Counter verifications(String action, boolean verified) {
    return counter(
        VERIFICATIONS,
        "writes read back",
        "action",
        action,
        "result",
        verified ? "verified" : "unverified");
  }

  /** The Prometheus text exposition of every metric. */
  public String scrape() {
    return registry.scrape();
  }

  /** An event started processing; pair with {@link #eventFinished}. */
  public void eventStarted() {
    inFlight.incrementAndGet();
  }

  /** An event left processing, however it ended. */
  public void eventFinished() {
    inFlight.decrementAndGet();
  }

  /**
   * An event was settled.
   *
   * @param eventType the CloudEvents type as received (anything unknown is tagged {@code invalid})
   * @param outcome a summary status or {@code ABANDONED}
   */
  public void eventSettled(String eventType, String outcome) {
    if (dev.offboarding.worker.codec.WatchEntryCodec.FORMAT.equals(eventType)) {
      // A sign-in watch entry is no event: its polls count in
      // offboarding_sign_in_watch_polls_total,
      // and entries settling every minute must not look like events processed
      // (OffboardingQueueStalled).
      return;
    }
    events(typeTag(eventType), outcome).increment();
  }

  private Counter events(String typeTag, String outcome) {
    return counter(EVENTS, "events settled", "type", typeTag, "outcome", outcome);
  }

  /** A delivery is tried again in-process after a transient failure. */
  public void eventRetried(String reason) {
    eventRetries(reason).increment();
  }

  private Counter eventRetries(String reason) {
    return counter(
        EVENT_RETRIES, "event attempts repeated after a transient failure", "reason", reason);
  }

  /**
   * Records one user's results: each action's outcome, write retries, and for a revoke that
   * succeeded, the time since the message was enqueued.
   */
  public void targetResult(String eventType, TargetAudit target, Instant enqueuedAt) {
    for (ActionResult action : target.actions()) {
      String name = action.action().wireName();
      targets(name, action.outcome().name()).increment();
      if (action.verified() != null) {
        verification(name, action.verified());
      }
      if (action.attempts() > 1) {
        graphRetries(name).increment(action.attempts() - 1);
      }
      if (action.action() == dev.offboarding.contracts.Action.ENABLE_ACCOUNT
          && action.attempts() > 0
          && (action.outcome() == dev.offboarding.contracts.TargetOutcome.SUCCEEDED
              || action.outcome() == dev.offboarding.contracts.TargetOutcome.UNVERIFIED)) {
        // Acknowledged by Graph, whether or not the read-back showed it yet: the account may be
        // usable.
        restores().increment();
      }
      if (action.action() == dev.offboarding.contracts.Action.REVOKE_SESSIONS
          && action.outcome() == dev.offboarding.contracts.TargetOutcome.SUCCEEDED
          && action.finishedAt() != null
          && enqueuedAt != null) {
        Duration elapsed = Duration.between(enqueuedAt, action.finishedAt());
        timeToRevoke(typeTag(eventType)).record(elapsed.isNegative() ? Duration.ZERO : elapsed);
      }
    }
  }

  private Counter targets(String action, String outcome) {
    return counter(TARGETS, "users' action results", "action", action, "outcome", outcome);
  }

  private Counter graphRetries(String action) {
    return counter(GRAPH_RETRIES, "Graph write attempts beyond the first", "action", action);
  }

  private Timer timeToRevoke(String typeTag) {
    return Timer.builder(micrometerName(TIME_TO_REVOKE))
        .description("from the event's enqueue to Graph's success of revokeSignInSessions")
        .tag("type", typeTag)
        .serviceLevelObjectives(REVOKE_BUCKETS)
        .register(registry);
  }

  /** One HTTP request to Graph got an answer with this status, or none ({@code status} 0). */
  public void graphRequest(String method, int status) {
    graphRequests(method.toUpperCase(Locale.ROOT), status == 0 ? "error" : Integer.toString(status))
        .increment();
  }

  private Counter graphRequests(String method, String status) {
    return counter(
        GRAPH_REQUESTS, "HTTP requests sent to Graph", "method", method, "status", status);
  }

  /** A Graph write was answered 429. */
  public void graphThrottled() {
    graphThrottledCounter().increment();
  }

  private Counter graphThrottledCounter() {
    return counter(GRAPH_THROTTLED, "Graph writes answered 429");
  }

  /** An accepted Graph write's answer carried x-ms-throttle-limit-percentage. */
  public void graphLimitWarning() {
    graphLimitWarnings().increment();
  }

  private Counter graphLimitWarnings() {
    return counter(
        GRAPH_LIMIT_WARNINGS,
        "accepted Graph writes whose answer warned of a throttling limit near");
  }

  /** Audit messages went out. */
  public void auditPublished(String type, String entity, int count) {
    auditMessages(type, entity).increment(count);
  }

  private Counter auditMessages(String type, String entity) {
    return counter(AUDIT_MESSAGES, "audit messages published", "type", type, "entity", entity);
  }

  /** A settlement could not be applied (the message will come back). */
  public void settlementFailed(String settlement) {
    settlementFailures(settlement).increment();
  }

  private Counter settlementFailures(String settlement) {
    return counter(SETTLEMENT_FAILURES, "settlements that failed", "settlement", settlement);
  }

  /** Intake paused ({@code true}) or resumed. */
  public void intakePaused(boolean pausedNow) {
    if (pausedNow && paused.getAndSet(1) == 0) {
      intakePauses().increment();
    } else if (!pausedNow) {
      paused.set(0);
    }
  }

  private Counter intakePauses() {
    return counter(INTAKE_PAUSES, "pauses of intake after transient failures");
  }

  /** Reads a counter's value, for tests and the benchmark; 0 when it was never incremented. */
  public double count(String name, String... tags) {
    Counter c = registry.find(micrometerName(name)).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  /** Reads how many values a timer recorded, for tests; 0 when none. */
  public long timerCount(String name, String... tags) {
    Timer t = registry.find(micrometerName(name)).tags(tags).timer();
    return t == null ? 0 : t.count();
  }

  /** Reads a gauge, for tests. */
  public double gauge(String name) {
    Gauge g = registry.find(micrometerName(name)).gauge();
    return g == null ? Double.NaN : g.value();
  }

  private Counter counter(String name, String description, String... tags) {
    return Counter.builder(micrometerName(name))
        .description(description)
        .tags(tags)
        .register(registry);
  }

  /** Micrometer appends the Prometheus suffixes itself; the constants carry them for readers. */
  static String micrometerName(String prometheusName) {
    String base = prometheusName;
    for (String suffix : new String[] {"_total", "_seconds"}) {
      if (base.endsWith(suffix)) {
        base = base.substring(0, base.length() - suffix.length());
      }
    }
    return base.replace('_', '.');
  }

  /**
   * Keeps the tag's values a closed set ({@link #EVENT_TYPES}): our event types in lower case,
   * {@code marker} for a cancellation marker, else {@code invalid}. The event's log line uses it
   * too.
   */
  public static String typeTag(String eventType) {
    if (dev.offboarding.worker.codec.CancellationMarkerCodec.FORMAT.equals(eventType)) {
      return "marker";
    }
    if (eventType == null) {
      return "invalid";
    }
    return EventType.fromWire(eventType)
        .map(t -> t.name().toLowerCase(Locale.ROOT))
        .orElse("invalid");
  }
}
