package dev.offboarding.worker.domain;

/** What to do with the message that carried an event, decided once, after the audit is published. */
public sealed interface Settlement {

  /** Done: the audit is published; remove the message. */
  record Complete() implements Settlement {}

  /**
   * Never retry: the event is invalid or unsafe. Its rejection audit is published.
   *
   * @param reason short code (Service Bus {@code DeadLetterReason}), e.g. {@code InvalidEvent}
   * @param description the problems, in words (Service Bus {@code DeadLetterErrorDescription})
   */
  record DeadLetter(String reason, String description) implements Settlement {}

  /**
   * Try again later: something transient failed (Graph unavailable, audit not published).
   *
   * @param reason what failed, for logs
   * @param cause the failure
   */
  record Abandon(String reason, Throwable cause) implements Settlement {}
}
