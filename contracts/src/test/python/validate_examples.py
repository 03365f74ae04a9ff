"""Every example of the offboarding contract against its JSON Schema with Python's jsonschema.

Valid examples (and the samples) must pass; invalid ones must fail, except those examples/codec-only.json
lists: faults of the text (duplicate keys) that json.loads does not report. Also checks the tricky strings
(controls, separators, format characters, Unicode user principal names) inside a leaver event.
Prints one line per check and exits 1 if any failed. Run by PythonJsonschemaTest; by hand:

    python3 contracts/src/test/python/validate_examples.py contracts/src/main/resources/dev/offboarding/contracts
"""
import copy
import importlib.metadata
import json
import pathlib
import sys

from jsonschema import Draft202012Validator


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def validator(contracts, name):
    schema = load(contracts / "schema" / name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def main(contracts):
    contracts = pathlib.Path(contracts)
    schemas = {p.name[:-len(".schema.json")]: validator(contracts, p.name)
               for p in sorted((contracts / "schema").glob("*.schema.json"))}
    event = schemas["event.v1"]
    codec_only = {k: v for k, v in load(contracts / "examples" / "codec-only.json").items() if k != "$comment"}
    failures = []
    for name, schema in schemas.items():
        schema_id = schema.schema["$id"]
        ok = schema_id == "urn:offboarding:schema:" + name
        print(("ok   " if ok else "FAIL ") + f"{name} has the URN id {schema_id}")
        if not ok:
            failures.append(name)
    print(f"jsonschema {importlib.metadata.version('jsonschema')}, Python {sys.version.split()[0]}; "
          f"formats checked: {sorted(f for f in ('date-time', 'uri-reference') if f in event.format_checker.checkers)} "
          "(the schemas' patterns check both either way)")

    def schema_for(relative):
        """Events use event.v1; audit examples are named after their kind: target-*.json uses audit-target.v1."""
        if not relative.startswith("audit"):
            return event
        return schemas["audit-" + relative.split("/")[1].split("-")[0] + ".v1"]

    def refusal(relative):
        try:
            value = load(contracts / "examples" / relative)
        except ValueError as e:
            return f"not JSON: {e}"
        errors = list(schema_for(relative).iter_errors(value))
        return "; ".join(f"{'/'.join(map(str, e.absolute_path)) or '$'}: {e.message[:120]}" for e in errors) or None

    def examples(folder):
        directory = contracts / "examples" / folder
        return sorted(f"{folder}/{p.name}" for p in directory.glob("*.json") if p.name != "expected-problems.json")

    def check(ok, line):
        print(("ok   " if ok else "FAIL ") + line)
        if not ok:
            failures.append(line)

    samples = examples("../samples")
    valid = examples("valid") + examples("audit") + [s for s in samples if not s.endswith("malformed.json")]
    invalid = examples("invalid") + examples("audit-invalid") + [s for s in samples if s.endswith("malformed.json")]
    check(len(valid) >= 19 and len(invalid) >= 47, f"{len(valid)} valid and {len(invalid)} invalid examples found")
    for relative in valid:
        problem = refusal(relative)
        check(problem is None, f"accepts {relative}" + (f": {problem}" if problem else ""))
    for relative in invalid:
        problem = refusal(relative)
        if relative in codec_only:
            check(problem is None, f"accepts {relative}, which only the codec refuses ({codec_only[relative]})")
        else:
            check(problem is not None, f"refuses {relative}")
    for relative in codec_only:
        check(relative in invalid, f"codec-only entry {relative} is an invalid example")

    leaver = load(contracts / "examples" / "valid" / "leaver-user-by-upn.json")

    def with_user(user):
        e = copy.deepcopy(leaver)
        e["data"]["targets"] = [{"user": user}]
        return e

    def with_id(value):
        e = copy.deepcopy(leaver)
        e["id"] = value
        return e

    accepted = ["alice@contoso.com", "o'brien#1$x+y@contoso.com", "jürgen.müller@bücher.de", "user@例え.テスト",
                "μ@ελληνικά.ελ", "user@١٢٣.example", "😀@contoso.com", "user@xn--bcher-kva.example"]
    refused = ["alice@contoso.com\n", "ali\u00a0ce@contoso.com", "ali\u200bce@contoso.com", "ali\u0085ce@contoso.com",
               "ali\u00adce@contoso.com", "ali\u2066ce@contoso.com", "ali\ufeffce@contoso.com", "ali\ud800ce@contoso.com",
               "ali\U000e0001ce@contoso.com", "user@\U00020000.example", "user@ex\u1680ample.com", "a\u2029@contoso.com",
               "alice@contoso", "alice@-contoso.com", "a@b@contoso.com"]
    for user in accepted:
        check(event.is_valid(with_user(user)), f"accepts the user {user!r}")
    for user in refused:
        check(not event.is_valid(with_user(user)), f"refuses the user {user!r}")
    for value in ["x", " x ", "é", "😀"]:
        check(event.is_valid(with_id(value)), f"accepts the id {value!r}")
    for value in ["", " ", "\u00a0", "\u3000", "\ufeff", "\u2028", "a\u0000", "a\n", "a\u0085"]:
        check(not event.is_valid(with_id(value)), f"refuses the id {value!r}")

    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
