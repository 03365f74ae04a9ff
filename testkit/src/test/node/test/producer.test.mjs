// The Node producer sample of docs/producers/other-languages.md, run against the emulator: what it sends is a valid
// event on the right queue with the message fields the worker reads, a re-send is dropped, an invalid event is not sent.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { checkEvent, leaverEvent, queueFor, sendEvent, serviceBusClient, toMessage } from "../examples/producer.mjs";
import { receiveAtLeast } from "../lib/support.mjs";

const client = serviceBusClient({ SERVICEBUS_CONNECTION_STRING: process.env.SERVICEBUS_CONNECTION_STRING });
after(() => client.close());

test("a leaver event arrives on offboarding-events as CloudEvents JSON with id, subject and content type set", async () => {
  const event = leaverEvent({ user: "jürgen.müller@contoso.com", reason: "Left the company", ticket: "HR-1234" });
  // The raw body, as the worker reads it: the SDK would otherwise parse a JSON body for us.
  const receiver = client.createReceiver("offboarding-events", { skipParsingBodyAsJson: true });

  const queue = await sendEvent(client, event);

  assert.equal(queue, "offboarding-events");
  const [message] = await receiveAtLeast(receiver, 1);
  assert.ok(message, "no message arrived");
  assert.equal(message.messageId, event.id);
  assert.equal(message.subject, "dev.offboarding.leaver.v1");
  assert.equal(message.contentType, "application/cloudevents+json");
  assert.ok(Buffer.isBuffer(message.body), "the body is bytes (an AMQP data section)");
  const body = JSON.parse(message.body.toString("utf8"));
  assert.deepEqual(body, event);
  assert.equal(checkEvent(body), body);
  await receiver.completeMessage(message);
  await receiver.close();
});

test("the same event sent twice is delivered once: the message id is the event id", async () => {
  const event = leaverEvent({ user: "alice@contoso.com", reason: "Left the company" });
  const receiver = client.createReceiver("offboarding-events", { receiveMode: "receiveAndDelete" });

  await sendEvent(client, event);
  await sendEvent(client, event);

  const received = await receiveAtLeast(receiver, 2, 3_000);
  assert.deepEqual(received.map((m) => m.messageId), [event.id]);
  await receiver.close();
});

test("an event the schema refuses is not sent", async () => {
  const event = leaverEvent({ user: "alice\u00a0smith@contoso.com", reason: "Left the company" });
  const receiver = client.createReceiver("offboarding-events", { receiveMode: "receiveAndDelete" });

  await assert.rejects(sendEvent(client, event), /not a valid offboarding event/);

  const received = await receiver.receiveMessages(1, { maxWaitTimeInMs: 1_000 });
  assert.equal(received.length, 0);
  await receiver.close();
});

test("each kind of event goes to the queue whose producer may send it", () => {
  assert.equal(queueFor("dev.offboarding.leaver.v1"), "offboarding-events");
  assert.equal(queueFor("dev.offboarding.cancel.v1"), "offboarding-events");
  assert.equal(queueFor("dev.offboarding.compromise.v1"), "offboarding-urgent");
  assert.equal(queueFor("dev.offboarding.restore.v1"), "offboarding-ops");
  assert.equal(queueFor("dev.offboarding.approve.v1"), "offboarding-ops");
  assert.equal(toMessage({ id: "x", type: "t" }).messageId, "x");
});

test("a client for Azure authenticates with DefaultAzureCredential, not a key", () => {
  const azure = serviceBusClient({ SERVICEBUS_FULLY_QUALIFIED_NAMESPACE: "contoso-offboarding.servicebus.windows.net" });
  assert.equal(azure.fullyQualifiedNamespace, "contoso-offboarding.servicebus.windows.net");
  assert.throws(() => serviceBusClient({}), /SERVICEBUS_FULLY_QUALIFIED_NAMESPACE/);
  return azure.close();
});
