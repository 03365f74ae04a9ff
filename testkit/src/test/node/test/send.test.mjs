// Sending: single messages, arrays and batches; every field a producer sets survives the round trip.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { newClient, receiveAtLeast, uniqueId } from "../lib/support.mjs";

const client = newClient();
after(() => client.close());

test("a single message keeps its body, ids, subject, content type and typed properties", async () => {
  const sender = client.createSender("send");
  const receiver = client.createReceiver("send");
  const messageId = uniqueId("single");
  await sender.sendMessages({
    body: { event: "leaver", user: "alice@contoso.com" },
    messageId,
    correlationId: "corr-1",
    subject: "dev.offboarding.leaver.v1",
    contentType: "application/json",
    replyTo: "offboarding-replies",
    to: "someone",
    timeToLive: 60_000,
    applicationProperties: { count: 42, ratio: 1.5, flag: true, name: "x" },
  });

  const [message] = await receiveAtLeast(receiver, 1);
  assert.ok(message, "no message arrived");
  assert.deepEqual(message.body, { event: "leaver", user: "alice@contoso.com" });
  assert.equal(message.messageId, messageId);
  assert.equal(message.correlationId, "corr-1");
  assert.equal(message.subject, "dev.offboarding.leaver.v1");
  assert.equal(message.contentType, "application/json");
  assert.equal(message.replyTo, "offboarding-replies");
  assert.equal(message.to, "someone");
  assert.equal(message.timeToLive, 60_000);
  assert.deepEqual(message.applicationProperties, { count: 42, ratio: 1.5, flag: true, name: "x" });
  assert.equal(message.deliveryCount, 0);
  assert.ok(message.sequenceNumber.toNumber() > 0);
  assert.ok(message.enqueuedTimeUtc instanceof Date);
  assert.ok(message.lockedUntilUtc instanceof Date);
  assert.match(message.lockToken, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.equal(message.state, "active");
  await receiver.completeMessage(message);

  // Nothing is left: this receive ends by draining the link's credit, which the emulator answers.
  const rest = await receiver.receiveMessages(1, { maxWaitTimeInMs: 500 });
  assert.equal(rest.length, 0);
  await receiver.close();
  await sender.close();
});

test("an array and a batch arrive as separate messages, in order", async () => {
  const sender = client.createSender("batch");
  const receiver = client.createReceiver("batch", { receiveMode: "receiveAndDelete" });
  await sender.sendMessages([{ body: "a1" }, { body: "a2" }]);
  const batch = await sender.createMessageBatch();
  for (const body of ["b1", "b2", "b3"]) {
    assert.ok(batch.tryAddMessage({ body }), `batch refused ${body}`);
  }
  await sender.sendMessages(batch);

  const received = await receiveAtLeast(receiver, 5);
  assert.deepEqual(received.map((m) => m.body), ["a1", "a2", "b1", "b2", "b3"]);
  await receiver.close();
  await sender.close();
});

test("a batch's maximum size is the link's maximum message size", async () => {
  const sender = client.createSender("batch");
  const batch = await sender.createMessageBatch();
  assert.equal(batch.maxSizeInBytes, 256 * 1024);
  await sender.close();
});
