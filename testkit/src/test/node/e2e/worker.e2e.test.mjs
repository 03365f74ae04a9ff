// The worker end to end with Node clients: events go in through the Node SDK, the real worker (started by the
// testkit's `local`, which NodeClientsLocalIT runs) processes them, and Node reads the audit topic and the
// dead-letter queue.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { newClient, receiveAtLeast } from "../lib/support.mjs";
import { leaverEvent as producerLeaverEvent, sendEvent } from "../examples/producer.mjs";

const client = newClient();
after(() => client.close());

const QUEUE = "offboarding-events";
const TOPIC = "offboarding-audit";

function leaverEvent(id, user) {
  return {
    specversion: "1.0",
    id,
    source: "/hr/node-producer",
    type: "dev.offboarding.leaver.v1",
    time: new Date().toISOString(),
    datacontenttype: "application/json",
    data: { targets: [{ user }], reason: "Leaver: sent from Node", ticket: "HR-NODE-1", requestedBy: "node-e2e" },
  };
}

/** Collects summaries from a subscription with a streaming receiver until every wanted event id has one. */
function summariesFor(subscription, eventIds, timeoutMs = 60_000) {
  const receiver = client.createReceiver(TOPIC, subscription);
  const found = new Map();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscriptionHandle.close().finally(() => receiver.close());
      reject(new Error(`no summary for ${eventIds.filter((id) => !found.has(id)).join(", ")} on ${subscription}`));
    }, timeoutMs);
    const subscriptionHandle = receiver.subscribe(
      {
        async processMessage(message) {
          if (eventIds.includes(message.correlationId)) {
            found.set(message.correlationId, {
              status: message.applicationProperties.status,
              subject: message.subject,
              // The SDK parses a data body that holds JSON; anything else stays bytes.
              body: Buffer.isBuffer(message.body) ? JSON.parse(message.body.toString("utf8")) : message.body,
            });
          }
          await receiver.completeMessage(message);
          if (eventIds.every((id) => found.has(id))) {
            clearTimeout(timer);
            await subscriptionHandle.close();
            await receiver.close();
            resolve(found);
          }
        },
        async processError(args) {
          clearTimeout(timer);
          reject(args.error);
        },
      },
      { autoCompleteMessages: false },
    );
  });
}

test("events sent from Node are processed by the worker and audited, bad ones dead-lettered", async () => {
  const validId = randomUUID();
  const invalidId = randomUUID();
  const dir = await mkdtemp(join(tmpdir(), "node-producer-"));
  const eventFile = join(dir, "leaver.json");
  await writeFile(eventFile, JSON.stringify(leaverEvent(validId, "bob@contoso.com")));

  // The producer example from docs/producers/README.md, run as a producer would run it.
  const { stdout } = await promisify(execFile)(process.execPath, ["examples/send-event.mjs", eventFile], {
    env: process.env,
  });
  assert.match(stdout, new RegExp(`sent ${validId}`));

  const sender = client.createSender(QUEUE);
  await sender.sendMessages({
    body: Buffer.from(JSON.stringify({ ...leaverEvent(invalidId, "carol@"), data: { targets: [] } })),
    messageId: invalidId,
    subject: "dev.offboarding.leaver.v1",
    contentType: "application/cloudevents+json",
  });
  await sender.close();

  const summaries = await summariesFor("summaries", [validId, invalidId]);
  assert.equal(summaries.get(validId).status, "COMPLETED");
  assert.equal(summaries.get(validId).subject, "dev.offboarding.audit.summary.v1");
  assert.equal(summaries.get(validId).body.data.status, "COMPLETED");
  assert.equal(summaries.get(invalidId).status, "REJECTED");

  // The SQL subscription `status = 'REJECTED'` has the rejected one.
  const rejected = await summariesFor("rejected", [invalidId]);
  assert.equal(rejected.get(invalidId).status, "REJECTED");

  // The worker dead-lettered the invalid event with a reason, read here through the dead-letter sub-queue.
  const dlq = client.createReceiver(QUEUE, { subQueueType: "deadLetter" });
  let dead;
  const deadline = Date.now() + 30_000;
  while (!dead && Date.now() < deadline) {
    for (const m of await receiveAtLeast(dlq, 1, Math.min(5_000, deadline - Date.now()))) {
      if (m.messageId === invalidId) {
        dead = m;
      }
      await dlq.completeMessage(m);
    }
  }
  await dlq.close();
  assert.ok(dead, "the invalid event is not in the dead-letter queue");
  assert.equal(dead.deadLetterReason, "InvalidEvent");
  assert.ok(dead.deadLetterErrorDescription.length > 0);
});

test("an event the Node producer sample builds, validates and sends is completed by the worker", async () => {
  // examples/producer.mjs, as docs/producers/other-languages.md shows it; a UPN with non-ASCII letters.
  const event = producerLeaverEvent({
    user: "zoë.müller@contoso.com",
    reason: "Leaver: the Node producer sample",
    ticket: "HR-NODE-2",
    requestedBy: "node-e2e",
    source: "/hr/node-producer",
  });

  const queue = await sendEvent(client, event);

  assert.equal(queue, QUEUE);
  const summaries = await summariesFor("summaries", [event.id]);
  assert.equal(summaries.get(event.id).status, "COMPLETED");
  assert.equal(summaries.get(event.id).body.data.status, "COMPLETED");
});
