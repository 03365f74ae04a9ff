// Shared helpers for the suites: one client per file, bounded waits, no sleeps.
import { ServiceBusClient } from "@azure/service-bus";

export const connectionString = process.env.SERVICEBUS_CONNECTION_STRING;
if (!connectionString) {
  throw new Error("SERVICEBUS_CONNECTION_STRING is not set; NodeSdkIT sets it to the emulator it starts");
}

/** A client with short retries, so a broken emulator fails a test quickly instead of retrying for minutes. */
export function newClient() {
  return new ServiceBusClient(connectionString, {
    retryOptions: { maxRetries: 1, timeoutInMs: 20_000 },
  });
}

/**
 * Receives until `count` messages arrived or `timeoutMs` passed, whichever is first; returns what arrived.
 * Each call of receiveMessages ends with a drain, which the emulator must answer.
 */
export async function receiveAtLeast(receiver, count, timeoutMs = 15_000) {
  const received = [];
  const deadline = Date.now() + timeoutMs;
  while (received.length < count && Date.now() < deadline) {
    const batch = await receiver.receiveMessages(count - received.length, {
      maxWaitTimeInMs: Math.min(2_000, Math.max(1, deadline - Date.now())),
    });
    received.push(...batch);
  }
  return received;
}

/** Polls `probe` until it returns a truthy value or `timeoutMs` passes; returns the last value. */
export async function eventually(probe, timeoutMs = 15_000, intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!value && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    value = await probe();
  }
  return value;
}

export function uniqueId(prefix) {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
