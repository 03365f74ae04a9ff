// Sends one offboarding event (a CloudEvents JSON file) to the worker's queue, the way a producer should:
// message id = event id (the queue's duplicate detection then drops a re-sent event), subject = event type,
// content type application/cloudevents+json.
//
//   SERVICEBUS_CONNECTION_STRING='<printed by bin/local>' node examples/send-event.mjs event.json
import { readFile } from "node:fs/promises";
import { ServiceBusClient } from "@azure/service-bus";

const [file, queue = "offboarding-events"] = process.argv.slice(2);
const event = JSON.parse(await readFile(file, "utf8"));
const client = new ServiceBusClient(process.env.SERVICEBUS_CONNECTION_STRING);
const sender = client.createSender(queue);
try {
  await sender.sendMessages({
    body: Buffer.from(JSON.stringify(event)),
    messageId: event.id,
    subject: event.type,
    contentType: "application/cloudevents+json",
  });
  console.log(`sent ${event.id} (${event.type}) to ${queue}`);
} finally {
  await sender.close();
  await client.close();
}
