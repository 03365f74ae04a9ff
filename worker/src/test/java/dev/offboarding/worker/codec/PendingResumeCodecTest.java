package dev.offboarding.worker.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.contracts.EventCodec;
import dev.offboarding.contracts.EventData;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.SummaryStatus;
import dev.offboarding.contracts.Target;
import dev.offboarding.worker.intake.Inbound;
import dev.offboarding.worker.intake.MessageClassifier;
import dev.offboarding.worker.lifecycle.PendingResume;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pending resume's wire form, and who may send one. */
class PendingResumeCodecTest {
  static final String TASK =
      "lcw/6f0d2a1c-3b4e-4f5a-8c7d-9e0f1a2b3c4d/1b2c3d4e-5f60-4718-9a0b-c1d2e3f40516/"
          + "a7b8c9d0-e1f2-4a3b-8c4d-5e6f70819203";
  final PendingResumeCodec codec = new PendingResumeCodec();
  final MessageClassifier classifier =
      new MessageClassifier(
          Set.of("offboarding-events", "offboarding-urgent"), "offboarding-internal");

  static byte[] event(String id) {
    return new EventCodec()
        .encode(
            new OffboardingEvent(
                id,
                "/lcw",
                EventType.LEAVER,
                Instant.parse("2026-12-01T16:00:00Z"),
                new EventData(
                    List.of(new Target.User("alice@contoso.com")),
                    List.of(),
                    "leaver",
                    null,
                    null,
                    false)));
  }

  static PendingResume pending(String id, String queue) {
    return new PendingResume(event(id), "12@" + queue, queue, "failed", SummaryStatus.PARTIAL);
  }

  @Test
  void roundTrips() {
    PendingResume p = pending(TASK, "offboarding-events");

    PendingResume back = codec.decode(codec.encode(p));

    assertEquals(p.origin(), back.origin());
    assertEquals(p.intakeQueue(), back.intakeQueue());
    assertEquals("failed", back.operationStatus());
    assertEquals(SummaryStatus.PARTIAL, back.summaryStatus());
    assertEquals(new EventCodec().decode(p.event()), new EventCodec().decode(back.event()));
  }

  @Test
  void refusesUnknownMembersBadStatusesAndOrigins() {
    String good =
        new String(codec.encode(pending(TASK, "offboarding-events")), StandardCharsets.UTF_8);

    for (String bad :
        List.of(
            good.replace("\"origin\"", "\"extra\":1,\"origin\""),
            good.replace("\"failed\"", "\"skipped\""),
            good.replace("\"PARTIAL\"", "\"CONTINUING\""),
            good.replace("\"PARTIAL\"", "\"NOPE\""),
            good.replace("12@offboarding-events", "offboarding-events"))) {
      assertThrows(
          IllegalArgumentException.class,
          () -> codec.decode(bad.getBytes(StandardCharsets.UTF_8)),
          bad);
    }
  }

  @Test
  void aPendingResumeIsTakenFromTheInternalQueueOnlyAndMustNameATaskAndAnIntakeQueue() {
    byte[] body = codec.encode(pending(TASK, "offboarding-events"));

    Inbound.Resume resume =
        assertInstanceOf(
            Inbound.Resume.class, classifier.classify("offboarding-internal", 5, body, p -> null));
    Inbound.Forged forged =
        assertInstanceOf(
            Inbound.Forged.class, classifier.classify("offboarding-events", 5, body, p -> null));
    Inbound.Invalid notATask =
        assertInstanceOf(
            Inbound.Invalid.class,
            classifier.classify(
                "offboarding-internal",
                6,
                codec.encode(pending("hr-42", "offboarding-events")),
                p -> null));
    Inbound.Invalid otherQueue =
        assertInstanceOf(
            Inbound.Invalid.class,
            classifier.classify(
                "offboarding-internal",
                7,
                codec.encode(pending(TASK, "offboarding-elsewhere")),
                p -> null));

    assertEquals("6f0d2a1c-3b4e-4f5a-8c7d-9e0f1a2b3c4d", resume.task().workflowId());
    assertEquals("offboarding-events", resume.provenance().queue());
    assertEquals("pending resume", forged.kind());
    assertTrue(forged.why().contains("offboarding-internal"), forged.why());
    assertEquals("InvalidPendingResume", notATask.reason());
    assertEquals("InvalidPendingResume", otherQueue.reason());
  }
}
