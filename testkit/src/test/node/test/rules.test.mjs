// Rule management over $management: list, delete and create a subscription's rules at run time. Its own topic:
// node --test runs the files in parallel, and topic.test.mjs counts everything sent to "orders".
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { newClient, receiveAtLeast } from "../lib/support.mjs";

const client = newClient();
after(() => client.close());

test("a subscription's rules can be listed, removed and added, and routing follows them", async () => {
  const rules = client.createRuleManager("catalog", "managed");
  const names = async () => {
    const found = [];
    for await (const rule of rules.listRules()) {
      found.push(rule);
    }
    return found;
  };
  const initial = await names();
  assert.deepEqual(initial.map((r) => r.name), ["$Default"]);
  assert.deepEqual(initial[0].filter, { sqlExpression: "1=1" });

  await rules.deleteRule("$Default");
  await rules.createRule("gold", { sqlExpression: "tier = 'gold'" });
  await rules.createRule("returns", { subject: "return", applicationProperties: { channel: "web" } });
  await assert.rejects(rules.createRule("gold", { sqlExpression: "1=1" }), { code: "MessagingEntityAlreadyExists" });

  const listed = await names();
  assert.deepEqual(listed.map((r) => r.name), ["gold", "returns"]);
  assert.deepEqual(listed[0].filter, { sqlExpression: "tier = 'gold'" });
  assert.equal(listed[1].filter.subject, "return");
  assert.deepEqual(listed[1].filter.applicationProperties, { channel: "web" });

  const sender = client.createSender("catalog");
  await sender.sendMessages([
    { body: "silver", subject: "order", applicationProperties: { tier: "silver" } },
    { body: "gold", subject: "order", applicationProperties: { tier: "gold" } },
    { body: "shop-return", subject: "return", applicationProperties: { channel: "shop" } },
    { body: "web-return", subject: "return", applicationProperties: { channel: "web" } },
  ]);
  const receiver = client.createReceiver("catalog", "managed", { receiveMode: "receiveAndDelete" });
  const received = await receiveAtLeast(receiver, 2);
  assert.deepEqual(received.map((m) => m.body), ["gold", "web-return"]);
  await receiver.close();
  await sender.close();
});
