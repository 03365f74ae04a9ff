// $management operations: schedule and cancel, peek, lock renewal; and duplicate detection.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { newClient, receiveAtLeast, uniqueId } from "../lib/support.mjs";

const client = newClient();
after(() => client.close());

test("a scheduled message waits, shows as scheduled, and is gone once cancelled", async () => {
  const sender = client.createSender("schedule");
  const receiver = client.createReceiver("schedule");
  const inAnHour = new Date(Date.now() + 60 * 60 * 1000);
  const [sequenceNumber] = await sender.scheduleMessages({ body: "cancel me", messageId: uniqueId("sched") }, inAnHour);
  assert.ok(sequenceNumber.toNumber() > 0);

  const [peeked] = await receiver.peekMessages(1, { fromSequenceNumber: sequenceNumber });
  assert.equal(peeked.state, "scheduled");
  assert.equal(peeked.body, "cancel me");
  assert.equal((await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).length, 0);

  await sender.cancelScheduledMessages(sequenceNumber);
  const after = await receiver.peekMessages(10, { fromSequenceNumber: sequenceNumber });
  assert.equal(after.length, 0);
  await receiver.close();
  await sender.close();
});

test("a message scheduled for a moment from now is delivered when due", async () => {
  const sender = client.createSender("schedule");
  const receiver = client.createReceiver("schedule");
  const messageId = uniqueId("due");
  await sender.scheduleMessages({ body: "soon", messageId }, new Date(Date.now() + 1_000));
  const [message] = await receiveAtLeast(receiver, 1);
  assert.equal(message.messageId, messageId);
  await receiver.completeMessage(message);
  await receiver.close();
  await sender.close();
});

test("peek returns messages in order without locking them or counting a delivery", async () => {
  const sender = client.createSender("peek");
  const receiver = client.createReceiver("peek");
  await sender.sendMessages([{ body: "p1" }, { body: "p2" }, { body: "p3" }]);

  const peeked = await receiver.peekMessages(3);
  assert.deepEqual(peeked.map((m) => m.body), ["p1", "p2", "p3"]);
  assert.ok(peeked.every((m) => m.lockToken === undefined));
  // The next peek continues after the last peeked sequence number.
  assert.equal((await receiver.peekMessages(3)).length, 0);

  const received = await receiveAtLeast(receiver, 3);
  assert.deepEqual(received.map((m) => m.body), ["p1", "p2", "p3"]);
  assert.ok(received.every((m) => m.deliveryCount === 0));
  for (const m of received) {
    await receiver.completeMessage(m);
  }
  await receiver.close();
  await sender.close();
});

test("renewing a lock moves its expiry forward, and the message can still be completed", async () => {
  const sender = client.createSender("lock-renewal");
  const receiver = client.createReceiver("lock-renewal", { maxAutoLockRenewalDurationInMs: 0 });
  await sender.sendMessages({ body: "long work", messageId: uniqueId("renew") });

  const [message] = await receiveAtLeast(receiver, 1);
  const before = message.lockedUntilUtc;
  const renewed = await receiver.renewMessageLock(message);
  assert.ok(renewed instanceof Date);
  assert.ok(renewed.getTime() >= before.getTime(), `renewed ${renewed.toISOString()} before ${before.toISOString()}`);
  assert.equal(message.lockedUntilUtc.getTime(), renewed.getTime());
  await receiver.completeMessage(message);
  await receiver.close();
  await sender.close();
});

test("a message sent twice with the same id within the window is stored once", async () => {
  const sender = client.createSender("duplicates");
  const receiver = client.createReceiver("duplicates", { receiveMode: "receiveAndDelete" });
  const messageId = uniqueId("dup");
  await sender.sendMessages({ body: "first", messageId });
  await sender.sendMessages({ body: "second", messageId });
  await sender.sendMessages({ body: "marker", messageId: uniqueId("marker") });

  // The queue is ordered, so once the marker is in, any duplicate would have been before it.
  const received = await receiveAtLeast(receiver, 2);
  assert.deepEqual(received.map((m) => m.body), ["first", "marker"]);
  await receiver.close();
  await sender.close();
});
