package dev.offboarding.worker.testing;

import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.worker.audit.AuditSink;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An audit sink that keeps what it is given: target results in the chunks they came in, and
 * summaries. Thread-safe.
 */
public final class RecordingAudit implements AuditSink {
  public final List<List<TargetAudit>> chunks = new CopyOnWriteArrayList<>();
  public final List<SummaryAudit> summaries = new CopyOnWriteArrayList<>();

  /** The last summary published, or null. */
  public volatile SummaryAudit summary;

  @Override
  public void targets(List<TargetAudit> results) {
    chunks.add(results);
  }

  @Override
  public void summary(SummaryAudit s) {
    summaries.add(s);
    summary = s;
  }

  /** Every target result, in order. */
  public List<TargetAudit> all() {
    return chunks.stream().flatMap(List::stream).toList();
  }
}
