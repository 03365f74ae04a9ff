// Sends one offboarding event (a CloudEvents JSON file) to the worker's queue the way a producer should:
// message id = event id (the queue's duplicate detection then drops a re-sent event), subject = event type,
// content type application/cloudevents+json. docs/producers/README.md shows this file; the Node end-to-end test runs it.
//
//   SERVICEBUS_CONNECTION_STRING='<printed by bin/local>' node examples/send-event.mjs event.json
import { readFile } from "node:fs/promises";
import { ServiceBusClient } from "@azure/service-bus";

const event = JSON.parse(await readFile(process.argv[2], "utf8"));
const client = new ServiceBusClient(process.env.SERVICEBUS_CONNECTION_STRING);
const sender = client.createSender("offboarding-events");
await sender.sendMessages({
  body: Buffer.from(JSON.stringify(event)),
  messageId: event.id,
  subject: event.type,
  contentType: "application/cloudevents+json",
});
console.log(`sent ${event.id} (${event.type}) to offboarding-events`);
await sender.close();
await client.close();
