// Topics: every subscription gets the messages its rules match, SQL and correlation filters alike.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { newClient, receiveAtLeast } from "../lib/support.mjs";

const client = newClient();
after(() => client.close());

test("subscriptions receive what their SQL and correlation rules match", async () => {
  const sender = client.createSender("orders");
  await sender.sendMessages([
    { body: "eu-large", subject: "order", applicationProperties: { amount: 250, region: "eu" } },
    { body: "us-large", subject: "order", applicationProperties: { amount: 250, region: "us" } },
    { body: "eu-small", subject: "order", applicationProperties: { amount: 20, region: "eu" } },
    { body: "web-refund", subject: "refund", applicationProperties: { channel: "web" } },
    { body: "shop-refund", subject: "refund", applicationProperties: { channel: "shop" } },
    // Every subscription matches the marker, so once it arrives nothing more is on its way.
    { body: "end", subject: "end" },
  ]);

  const bodies = async (subscription, expected) => {
    const receiver = client.createReceiver("orders", subscription, { receiveMode: "receiveAndDelete" });
    const received = await receiveAtLeast(receiver, expected);
    await receiver.close();
    return received.map((m) => m.body);
  };
  assert.deepEqual(await bodies("all", 6), ["eu-large", "us-large", "eu-small", "web-refund", "shop-refund", "end"]);
  assert.deepEqual(await bodies("large-eu", 2), ["eu-large", "end"]);
  assert.deepEqual(await bodies("refunds", 2), ["web-refund", "end"]);
  await sender.close();
});

test("a subscription's dead-letter queue is its own", async () => {
  const sender = client.createSender("orders");
  await sender.sendMessages({ body: "poison", subject: "refund", applicationProperties: { channel: "web" } });
  const receiver = client.createReceiver("orders", "refunds");
  const [message] = await receiveAtLeast(receiver, 1);
  await receiver.deadLetterMessage(message, { deadLetterReason: "Poison", deadLetterErrorDescription: "cannot parse" });
  const dlq = client.createReceiver("orders", "refunds", { subQueueType: "deadLetter", receiveMode: "receiveAndDelete" });
  const [dead] = await receiveAtLeast(dlq, 1);
  assert.equal(dead.body, "poison");
  assert.equal(dead.deadLetterReason, "Poison");
  await dlq.close();
  await receiver.close();

  // The other subscriptions got their copies and are unaffected.
  const all = client.createReceiver("orders", "all", { receiveMode: "receiveAndDelete" });
  const [copy] = await receiveAtLeast(all, 1);
  assert.equal(copy.body, "poison");
  await all.close();
  await sender.close();
});
