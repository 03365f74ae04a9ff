package dev.offboarding.testkit.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The request log, the write log and counters of one server; lock-free, as every request touches
 * it.
 */
final class ServerRecorder {

  private final int capacity;
  private final ConcurrentLinkedQueue<WriteRecord> writes = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final ConcurrentLinkedQueue<RequestRecord> requests = new ConcurrentLinkedQueue<>();
  private final AtomicInteger requestCount = new AtomicInteger();
  private final ConcurrentHashMap<Integer, LongAdder> responses = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Integer, LongAdder> batchItems = new ConcurrentHashMap<>();
  private final LongAdder accepted = new LongAdder();
  private final LongAdder resets = new LongAdder();

  ServerRecorder(int capacity) {
    this.capacity = capacity;
  }

  void recordWrite(WriteRecord record) {
    if (record.accepted()) {
      accepted.increment();
    }
    if (capacity == 0) {
      return;
    }
    writes.add(record);
    if (size.incrementAndGet() > capacity && writes.poll() != null) {
      size.decrementAndGet();
    }
  }

  void recordRequest(RequestRecord record) {
    if (capacity == 0) {
      return;
    }
    requests.add(record);
    if (requestCount.incrementAndGet() > capacity && requests.poll() != null) {
      requestCount.decrementAndGet();
    }
  }

  List<RequestRecord> requestLog() {
    return List.copyOf(new ArrayList<>(requests));
  }

  void clearRequestLog() {
    requests.clear();
    requestCount.set(0);
  }

  void recordResponse(int status) {
    responses.computeIfAbsent(status, s -> new LongAdder()).increment();
  }

  void recordBatchItem(int status) {
    batchItems.computeIfAbsent(status, s -> new LongAdder()).increment();
  }

  void recordReset() {
    resets.increment();
  }

  List<WriteRecord> writeLog() {
    return List.copyOf(new ArrayList<>(writes));
  }

  void clearWriteLog() {
    writes.clear();
    size.set(0);
  }

  FakeGraphStats stats() {
    Map<Integer, Long> top = snapshot(responses);
    Map<Integer, Long> inner = snapshot(batchItems);
    long throttled = top.getOrDefault(429, 0L) + inner.getOrDefault(429, 0L);
    return new FakeGraphStats(top, inner, throttled, accepted.sum(), resets.sum());
  }

  private static Map<Integer, Long> snapshot(Map<Integer, LongAdder> counters) {
    Map<Integer, Long> out = new TreeMap<>();
    counters.forEach((status, count) -> out.put(status, count.sum()));
    return out;
  }
}
