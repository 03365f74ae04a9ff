package dev.offboarding.worker.plan;

/** The outcome of planning: a plan to execute, or a rejection made before any write. */
public sealed interface PlanResult {

  /** The event can go ahead with this plan, held in memory ({@link Planner#plan}). */
  record Ready(Plan plan) implements PlanResult {}

  /** The event can go ahead; its users stream from the directory ({@link Planner#prepare}). */
  record Streamed(StreamingPlan plan) implements PlanResult {}

  /**
   * The event is refused as a whole.
   *
   * @param code a short code for dead-lettering and metrics, e.g. {@code BlastRadiusExceeded}
   * @param detail what exceeded what, in words
   */
  record Rejected(String code, String detail) implements PlanResult {}
}
