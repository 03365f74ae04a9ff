package dev.offboarding.worker.audit;

/**
 * What to do with the message that carried an event, decided once, after the audit is published.
 */
public sealed interface Settlement {

  /**
   * Done: the audit (and any follow-up) is published; remove the message.
   *
   * @param continuedBecause null when the event is finished; else why a follow-up continues it:
   *     {@link #BOUND} (the delivery's bound), {@link #SHUTDOWN}, {@link #TRANSIENT} (users left
   *     because Graph failed transiently: intake then pauses as for an outage), or {@link #BRAKE}
   *     (the mass-action brake held users back until the window has room)
   */
  record Complete(String continuedBecause) implements Settlement {
    /** Continued: the delivery reached its bound of users or time. */
    public static final String BOUND = "bound";

    /** Continued: the worker is shutting down. */
    public static final String SHUTDOWN = "shutdown";

    /** Continued: Graph was unavailable; users are tried again later. */
    public static final String TRANSIENT = "transient";

    /** Continued: the mass-action brake held users back. */
    public static final String BRAKE = "brake";

    public Complete {
      if (continuedBecause != null
          && !java.util.Set.of(BOUND, SHUTDOWN, TRANSIENT, BRAKE).contains(continuedBecause)) {
        throw new IllegalArgumentException("unknown continuation reason");
      }
    }

    /** The event is finished. */
    public Complete() {
      this(null);
    }

    /** Whether the event continues because Graph was unavailable. */
    public boolean graphUnavailable() {
      return TRANSIENT.equals(continuedBecause);
    }
  }

  /**
   * Never retry: the event is invalid or unsafe. Its rejection audit is published.
   *
   * @param reason short code (Service Bus {@code DeadLetterReason}), e.g. {@code InvalidEvent}
   * @param description the problems, in words (Service Bus {@code DeadLetterErrorDescription})
   */
  record DeadLetter(String reason, String description) implements Settlement {}

  /**
   * Try again later: something transient failed before anything was settled for good (the directory
   * or the protected set unavailable while planning, the audit or the follow-up not published).
   *
   * @param reason what failed, for logs
   * @param cause the failure
   */
  record Abandon(String reason, Throwable cause) implements Settlement {}
}
