// The published contract as producers see it: the JSON Schemas under contracts/, compiled by Ajv (draft 2020-12,
// formats asserted), and the valid and invalid examples beside them.
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

export const contractsDir = fileURLToPath(
  new URL("../../../../../contracts/src/main/resources/dev/offboarding/contracts/", import.meta.url));

export function readJson(relative) {
  return JSON.parse(readFileSync(contractsDir + relative, "utf8"));
}

/** A fresh Ajv with the options a producer would use: all errors, formats asserted, strict mode (union types allowed: extension attributes are strings, numbers or booleans). */
export function newAjv() {
  const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true });
  addFormats(ajv);
  return ajv;
}

/** Example files of one folder, by relative name, without the index files. */
export function examples(folder) {
  return readdirSync(contractsDir + "examples/" + folder)
    .filter((name) => name.endsWith(".json") && name !== "expected-problems.json")
    .sort()
    .map((name) => `${folder}/${name}`);
}
