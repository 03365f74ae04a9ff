// An offboarding event producer in Node, as docs/producers/other-languages.md shows it: build a CloudEvent,
// validate it against the published schema with Ajv, send it to the producer's queue with message id = event id,
// subject = event type and content type application/cloudevents+json. test/producer.test.mjs runs it against the
// embedded emulator.
//
//   # Azure: a managed identity (or any DefaultAzureCredential source) with Azure Service Bus Data Sender on the queue
//   SERVICEBUS_FULLY_QUALIFIED_NAMESPACE=contoso-offboarding.servicebus.windows.net \
//     node examples/producer.mjs alice@contoso.com "Left the company" HR-1234
//   # the local emulator that bin/local starts
//   SERVICEBUS_CONNECTION_STRING='Endpoint=sb://localhost:5672;...;UseDevelopmentEmulator=true;' node examples/producer.mjs ...
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { ServiceBusClient } from "@azure/service-bus";
import { DefaultAzureCredential } from "@azure/identity";

// Your copy of contracts/src/main/resources/dev/offboarding/contracts/schema/event.v1.schema.json.
const schemaFile = process.env.OFFBOARDING_EVENT_SCHEMA ?? fileURLToPath(new URL(
  "../../../../../contracts/src/main/resources/dev/offboarding/contracts/schema/event.v1.schema.json", import.meta.url));

const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true });
addFormats(ajv);
const validateEvent = ajv.compile(JSON.parse(readFileSync(schemaFile, "utf8")));

/** The queue each kind of event goes to; a producer holds Data Sender on its own queue only. */
export function queueFor(type) {
  switch (type) {
    case "dev.offboarding.compromise.v1":
      return "offboarding-urgent"; // the SIEM's queue
    case "dev.offboarding.restore.v1":
    case "dev.offboarding.approve.v1":
      return "offboarding-ops"; // operators only
    default:
      return "offboarding-events"; // leaver and cancel events of the HR integration
  }
}

/** A leaver event for one user (UPN or object id); a new id per event, never per send. */
export function leaverEvent({ user, reason, ticket, requestedBy, source = "/hr/workday" }) {
  return {
    specversion: "1.0",
    id: randomUUID(),
    source,
    type: "dev.offboarding.leaver.v1",
    time: new Date().toISOString(),
    datacontenttype: "application/json",
    data: {
      targets: [{ user }],
      reason,
      ...(ticket ? { ticket } : {}),
      ...(requestedBy ? { requestedBy } : {}),
    },
  };
}

/** Throws, naming every problem, when the event breaks the published contract. */
export function checkEvent(event) {
  if (!validateEvent(event)) {
    throw new Error(`not a valid offboarding event: ${ajv.errorsText(validateEvent.errors)}`);
  }
  return event;
}

/** The Service Bus message of an event: its id is the message id, so the queue drops a re-send of the same event. */
export function toMessage(event) {
  return {
    body: Buffer.from(JSON.stringify(event), "utf8"),
    messageId: event.id,
    subject: event.type,
    contentType: "application/cloudevents+json",
  };
}

/** A managed identity (DefaultAzureCredential) in Azure; the emulator's connection string locally. */
export function serviceBusClient(env = process.env) {
  if (env.SERVICEBUS_FULLY_QUALIFIED_NAMESPACE) {
    return new ServiceBusClient(env.SERVICEBUS_FULLY_QUALIFIED_NAMESPACE, new DefaultAzureCredential());
  }
  if (env.SERVICEBUS_CONNECTION_STRING) {
    return new ServiceBusClient(env.SERVICEBUS_CONNECTION_STRING);
  }
  throw new Error("set SERVICEBUS_FULLY_QUALIFIED_NAMESPACE (Azure) or SERVICEBUS_CONNECTION_STRING (the emulator)");
}

/** Validates the event, then sends it to its queue (or the one given); returns the queue. */
export async function sendEvent(client, event, queue = queueFor(event.type)) {
  checkEvent(event);
  const sender = client.createSender(queue);
  try {
    await sender.sendMessages(toMessage(event));
  } finally {
    await sender.close();
  }
  return queue;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [user, reason, ticket] = process.argv.slice(2);
  const event = leaverEvent({ user, reason, ticket });
  const client = serviceBusClient();
  try {
    const queue = await sendEvent(client, event);
    console.log(`sent ${event.id} (${event.type}) to ${queue}`);
  } finally {
    await client.close();
  }
}
