package dev.offboarding.worker.config;

import dev.offboarding.worker.continuation.DeliveryBounds;
import dev.offboarding.worker.flow.IntakeBackoff;
import dev.offboarding.worker.resilience.OutageBreaker;
import dev.offboarding.worker.servicebus.ServiceBusCancellationMarkers;
import dev.offboarding.worker.servicebus.ServiceBusIntake;
import java.time.Duration;

/**
 * The worker's timings no environment variable sets: production runs {@link #defaults()}; tests
 * shorten them (through {@link WorkerConfig}'s {@code with...} copies) so that an outage and its
 * recovery, a backoff or a cancellation fit in a test.
 *
 * @param recovery how the worker comes back from transient Graph failures
 * @param intakeOptions each intake's options; null: {@link ServiceBusIntake.Options#defaults()}
 *     with its lock renewed for as long as a delivery may run ({@code DELIVERY_MAX_DURATION}) and
 *     be held by the backoff, plus five minutes
 * @param backoff how long the intake pauses and holds deliveries after failures
 * @param markerPoll how often cancellation markers are tailed
 */
public record Tuning(
    Recovery recovery,
    ServiceBusIntake.Options intakeOptions,
    IntakeBackoff.Policy backoff,
    Duration markerPoll) {
  public Tuning {
    if (recovery == null || backoff == null || markerPoll == null) {
      throw new IllegalArgumentException("recovery, backoff and markerPoll are required");
    }
    if (markerPoll.isNegative() || markerPoll.isZero()) {
      throw new IllegalArgumentException("markerPoll must be positive");
    }
  }

  /** Production's: default recovery, intake options, backoff and marker poll. */
  public static Tuning defaults() {
    return new Tuning(
        Recovery.defaults(),
        null,
        IntakeBackoff.Policy.defaults(),
        ServiceBusCancellationMarkers.DEFAULT_POLL);
  }

  /**
   * The intake options a worker with deliveries of up to {@code deliveryMaxDuration} runs with:
   * {@link #intakeOptions} when set, else the defaults with a lock renewal covering a delivery and
   * its longest hold.
   */
  public ServiceBusIntake.Options intakeOptions(Duration deliveryMaxDuration) {
    if (intakeOptions != null) {
      return intakeOptions;
    }
    return ServiceBusIntake.Options.defaults()
        .withLockRenewal(deliveryMaxDuration.plus(backoff.maxHold()).plus(Duration.ofMinutes(5)));
  }

  Tuning withRecovery(Recovery recovery) {
    return new Tuning(recovery, intakeOptions, backoff, markerPoll);
  }

  Tuning withIntakeOptions(ServiceBusIntake.Options intakeOptions) {
    return new Tuning(recovery, intakeOptions, backoff, markerPoll);
  }

  Tuning withBackoff(IntakeBackoff.Policy backoff) {
    return new Tuning(recovery, intakeOptions, backoff, markerPoll);
  }

  Tuning withMarkerPoll(Duration markerPoll) {
    return new Tuning(recovery, intakeOptions, backoff, markerPoll);
  }

  /**
   * How the worker comes back from transient Graph failures: how many deliveries try a user again
   * and how far apart ({@link DeliveryBounds}'s rounds), and how long the outage breaker stops
   * writes before its probe writes ({@link OutageBreaker}).
   *
   * @param maxRounds deliveries one user may be tried in
   * @param firstRoundDelay the wait before a user's second round, doubling up to {@code
   *     maxRoundDelay}
   * @param maxRoundDelay the longest wait between rounds
   * @param outageProbeAfter how long writes stay stopped once the breaker opened
   */
  public record Recovery(
      int maxRounds, Duration firstRoundDelay, Duration maxRoundDelay, Duration outageProbeAfter) {
    public Recovery {
      if (outageProbeAfter.isNegative() || outageProbeAfter.isZero()) {
        throw new IllegalArgumentException("outageProbeAfter must be positive");
      }
    }

    /** The rounds of {@link DeliveryBounds#defaults()} and the breaker's 30 s. */
    public static Recovery defaults() {
      DeliveryBounds d = DeliveryBounds.defaults();
      return new Recovery(
          d.maxRounds(), d.firstDelay(), d.maxDelay(), OutageBreaker.DEFAULT_WAIT_IN_OPEN);
    }
  }
}
