// Peek-lock settlement: complete, abandon, defer and receive-deferred, dead-letter and the dead-letter queue.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { newClient, receiveAtLeast, uniqueId } from "../lib/support.mjs";

const client = newClient();
after(() => client.close());

test("an abandoned message comes back with its delivery count raised and its properties modified", async () => {
  const sender = client.createSender("settle");
  const receiver = client.createReceiver("settle");
  const messageId = uniqueId("abandon");
  await sender.sendMessages({ body: "retry me", messageId, applicationProperties: { attempt: 1 } });

  const [first] = await receiveAtLeast(receiver, 1);
  assert.equal(first.messageId, messageId);
  assert.equal(first.deliveryCount, 0);
  await receiver.abandonMessage(first, { attempt: 2, reason: "graph unavailable" });

  const [second] = await receiveAtLeast(receiver, 1);
  assert.equal(second.messageId, messageId);
  assert.equal(second.deliveryCount, 1);
  assert.equal(second.applicationProperties.attempt, 2);
  assert.equal(second.applicationProperties.reason, "graph unavailable");
  await receiver.completeMessage(second);

  await assert.rejects(receiver.completeMessage(second), "settling twice must fail");
  await receiver.close();
  await sender.close();
});

test("a deferred message is received again only by its sequence number, then completed", async () => {
  const sender = client.createSender("deferral");
  const receiver = client.createReceiver("deferral");
  const messageId = uniqueId("defer");
  await sender.sendMessages({ body: "later", messageId });

  const [message] = await receiveAtLeast(receiver, 1);
  const sequenceNumber = message.sequenceNumber;
  await receiver.deferMessage(message, { deferredBy: "node" });
  const nothing = await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 });
  assert.equal(nothing.length, 0, "a deferred message must not be delivered again");

  const [peeked] = await receiver.peekMessages(1, { fromSequenceNumber: sequenceNumber });
  assert.equal(peeked.state, "deferred");

  const [deferred] = await receiver.receiveDeferredMessages(sequenceNumber);
  assert.equal(deferred.messageId, messageId);
  assert.equal(deferred.body, "later");
  assert.equal(deferred.applicationProperties.deferredBy, "node");
  assert.ok(deferred.lockToken);
  // A deferred message is settled through $management (update-disposition), not the receive link.
  await receiver.completeMessage(deferred);
  await assert.rejects(receiver.receiveDeferredMessages(sequenceNumber), { code: "MessageNotFound" });
  await receiver.close();
  await sender.close();
});

test("a dead-lettered message carries its reason and description into the dead-letter queue", async () => {
  const sender = client.createSender("dead-letter");
  const receiver = client.createReceiver("dead-letter");
  const dlq = client.createReceiver("dead-letter", { subQueueType: "deadLetter" });
  const messageId = uniqueId("dead");
  await sender.sendMessages({ body: { bad: true }, messageId });

  const [message] = await receiveAtLeast(receiver, 1);
  await receiver.deadLetterMessage(message, {
    deadLetterReason: "InvalidEvent",
    deadLetterErrorDescription: "$.data.targets: must not be empty",
  });

  const [dead] = await receiveAtLeast(dlq, 1);
  assert.equal(dead.messageId, messageId);
  assert.deepEqual(dead.body, { bad: true });
  assert.equal(dead.deadLetterReason, "InvalidEvent");
  assert.equal(dead.deadLetterErrorDescription, "$.data.targets: must not be empty");
  await dlq.completeMessage(dead);
  assert.equal((await dlq.peekMessages(10)).length, 0);
  await dlq.close();
  await receiver.close();
  await sender.close();
});

test("a deferred message can be dead-lettered through the management link", async () => {
  const sender = client.createSender("dead-letter");
  const receiver = client.createReceiver("dead-letter");
  const dlq = client.createReceiver("dead-letter", { subQueueType: "deadLetter" });
  const messageId = uniqueId("deferred-dead");
  await sender.sendMessages({ body: "x", messageId });
  const [message] = await receiveAtLeast(receiver, 1);
  await receiver.deferMessage(message);
  const [deferred] = await receiver.receiveDeferredMessages(message.sequenceNumber);
  await receiver.deadLetterMessage(deferred, { deadLetterReason: "Stale", deadLetterErrorDescription: "too old" });

  const [dead] = await receiveAtLeast(dlq, 1);
  assert.equal(dead.messageId, messageId);
  assert.equal(dead.deadLetterReason, "Stale");
  assert.equal(dead.deadLetterErrorDescription, "too old");
  await dlq.completeMessage(dead);
  await dlq.close();
  await receiver.close();
  await sender.close();
});
