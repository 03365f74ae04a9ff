// Sessions: a session receiver holds one session and gets its messages in order; state and lock renewal.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { newClient, receiveAtLeast, uniqueId } from "../lib/support.mjs";

const client = newClient();
after(() => client.close());

test("a session receiver gets its session's messages in order; the next session goes to the next receiver", async () => {
  const sender = client.createSender("sessions");
  const first = uniqueId("s1");
  const second = uniqueId("s2");
  await sender.sendMessages([
    { body: "a1", sessionId: first },
    { body: "b1", sessionId: second },
    { body: "a2", sessionId: first },
  ]);

  const named = await client.acceptSession("sessions", first);
  assert.equal(named.sessionId, first);
  assert.ok(named.sessionLockedUntilUtc instanceof Date);
  const mine = await receiveAtLeast(named, 2);
  assert.deepEqual(mine.map((m) => m.body), ["a1", "a2"]);
  assert.ok(mine.every((m) => m.sessionId === first));
  for (const m of mine) {
    await named.completeMessage(m);
  }

  const next = await client.acceptNextSession("sessions");
  assert.equal(next.sessionId, second);
  const [theirs] = await receiveAtLeast(next, 1);
  assert.equal(theirs.body, "b1");
  await next.completeMessage(theirs);
  await next.close();
  await named.close();
  await sender.close();
});

test("a session another receiver holds cannot be accepted, until it is let go", async () => {
  const sessionId = uniqueId("held");
  const holder = await client.acceptSession("sessions", sessionId);
  await assert.rejects(client.acceptSession("sessions", sessionId), { code: "SessionCannotBeLocked" });
  await holder.close();
  const again = await client.acceptSession("sessions", sessionId);
  assert.equal(again.sessionId, sessionId);
  await again.close();
});

test("session state is kept, and the session lock can be renewed", async () => {
  const receiver = await client.acceptSession("sessions", uniqueId("state"));
  assert.equal(await receiver.getSessionState(), null, "a new session has no state");
  await receiver.setSessionState("step 2 of 3");
  assert.equal((await receiver.getSessionState()).toString(), "step 2 of 3");
  const before = receiver.sessionLockedUntilUtc;
  const renewed = await receiver.renewSessionLock();
  assert.ok(renewed.getTime() >= before.getTime());
  await receiver.close();
});

test("a session queue refuses a message without a session id", async () => {
  const sender = client.createSender("sessions");
  await assert.rejects(sender.sendMessages({ body: "no session" }), /SessionId was not set/);
  await sender.close();
});
