// Every example of the contract against its schema with Ajv, the usual validator of Node producers: valid ones
// pass, invalid ones fail, except those examples/codec-only.json lists (faults of the text that JSON.parse hides).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { contractsDir, examples, newAjv, readJson } from "../lib/contract.mjs";

const ajv = newAjv();
// Every schema of the contract, by file name: event.v1, audit-target.v1, audit-summary.v1, ...
const schemas = Object.fromEntries(readdirSync(contractsDir + "schema").filter((f) => f.endsWith(".schema.json")).sort()
  .map((f) => [f.replace(".schema.json", ""), ajv.compile(readJson(`schema/${f}`))]));
const codecOnly = readJson("examples/codec-only.json");

/** Events use event.v1; audit examples are named after their kind: target-*.json uses audit-target.v1, and so on. */
function schemaFor(example) {
  if (!example.startsWith("audit")) return schemas["event.v1"];
  const kind = example.split("/")[1].split("-")[0];
  const validate = schemas[`audit-${kind}.v1`];
  if (!validate) throw new Error(`no schema for ${example}`);
  return validate;
}

/** null when Ajv accepts the file, else why not (a parse error counts as a refusal). */
function refusal(example) {
  let value;
  try {
    value = JSON.parse(readFileSync(contractsDir + "examples/" + example, "utf8"));
  } catch (e) {
    return `not JSON: ${e.message}`;
  }
  const validate = schemaFor(example);
  return validate(value) ? null : ajv.errorsText(validate.errors);
}

test("every schema id is an RFC 8141 URN and Ajv resolves it", () => {
  assert.ok(Object.keys(schemas).length >= 3, Object.keys(schemas).join(", "));
  for (const [name, validate] of Object.entries(schemas)) {
    assert.match(validate.schema.$id, /^urn:offboarding:schema:[a-z-]+\.v1$/, name);
    assert.equal(ajv.getSchema(validate.schema.$id), validate, name);
  }
});

const valid = [...examples("valid"), ...examples("audit"), ...examples("../samples").filter((s) => !s.endsWith("malformed.json"))];
const invalid = [...examples("invalid"), ...examples("audit-invalid"), "../samples/malformed.json"];

test("the contract has examples of both kinds", () => {
  assert.ok(valid.length >= 19, `valid: ${valid.length}`);
  assert.ok(invalid.length >= 47, `invalid: ${invalid.length}`);
});

for (const example of valid) {
  test(`Ajv accepts ${example}`, () => {
    assert.equal(refusal(example), null);
  });
}

for (const example of invalid) {
  const reason = codecOnly[example];
  test(`Ajv refuses ${example}` + (reason ? " (only the codec does: Ajv accepts it)" : ""), () => {
    if (reason) {
      assert.equal(refusal(example), null, `${example} is listed as codec-only (${reason}) but Ajv refuses it`);
    } else {
      assert.notEqual(refusal(example), null, `Ajv accepts ${example}`);
    }
  });
}

test("every codec-only entry names an invalid example", () => {
  for (const name of Object.keys(codecOnly).filter((k) => k !== "$comment")) {
    assert.ok(invalid.includes(name), name);
  }
});

test("control, separator and format characters and Unicode UPNs read the same in Ajv as in the codec", () => {
  const upn = ajv.compile({ $ref: "urn:offboarding:schema:event.v1#/$defs/upn" });
  const accepted = ["alice@contoso.com", "o'brien#1$x+y@contoso.com", "jürgen.müller@bücher.de", "user@例え.テスト",
    "μ@ελληνικά.ελ", "user@١٢٣.example", "😀@contoso.com", "user@xn--bcher-kva.example"];
  const refused = ["alice@contoso.com\n", "ali\u00a0ce@contoso.com", "ali\u200bce@contoso.com", "ali\u0085ce@contoso.com",
    "ali\u00adce@contoso.com", "ali\u2066ce@contoso.com", "ali\ufeffce@contoso.com", "ali\ud800ce@contoso.com",
    "ali\udb40\udc01ce@contoso.com", "user@\ud840\udc00.example", "user@ex\u1680ample.com", "a\u2029@contoso.com",
    "alice@contoso", "alice@-contoso.com", "a@b@contoso.com"];
  for (const s of accepted) assert.equal(upn(s), true, JSON.stringify(s));
  for (const s of refused) assert.equal(upn(s), false, JSON.stringify(s));

  const id = ajv.compile({ $ref: "urn:offboarding:schema:event.v1#/$defs/id" });
  for (const s of ["x", " x ", "é", "😀"]) assert.equal(id(s), true, JSON.stringify(s));
  for (const s of ["", " ", "\u00a0", "\u3000", "\ufeff", "\u2028", "a\u0000", "a\n", "a\u0085"]) {
    assert.equal(id(s), false, JSON.stringify(s));
  }
});
