package dev.offboarding.worker.continuation;

/**
 * Port: how far long events have got, for a metrics gauge, a periodic log line and the message
 * lock. Called from the threads that execute users; implementations are thread-safe and cheap.
 */
public interface Progress {

  /** Execution of an event starts with {@code users} counted users. */
  void started(String eventId, boolean urgent, int users);

  /** One more user of the event has its terminal result. */
  void advanced(String eventId);

  /** The event's execution is over, whatever its outcome. */
  void finished(String eventId);

  Progress NONE =
      new Progress() {
        @Override
        public void started(String eventId, boolean urgent, int users) {}

        @Override
        public void advanced(String eventId) {}

        @Override
        public void finished(String eventId) {}
      };
}
