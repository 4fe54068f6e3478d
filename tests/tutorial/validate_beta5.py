"""Validates Ikanos beta5 documents against the official schema (tests/tutorial/beta5/ikanos-schema.json,
JSON Schema 2020-12, with the `jsonschema` and PyYAML packages of the interop venv).

    python tests/tutorial/validate_beta5.py target/debug/naftiko-codegen

Checks, for each step of the tutorial: the official beta5 file validates (so the check itself is
sound), and `naftiko-codegen convert STEP --to beta5` of the alpha3 twin validates too. Exit 1
with every error otherwise.
"""

import json
import pathlib
import subprocess
import sys

import jsonschema
import yaml

HERE = pathlib.Path(__file__).resolve().parent


def main() -> int:
    codegen = sys.argv[1]
    schema = json.loads((HERE / "beta5" / "ikanos-schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    failures = []
    steps = sorted((HERE / "alpha3").glob("step-*.yml"))
    assert len(steps) == 11, steps
    for alpha in steps:
        official = (HERE / "beta5" / alpha.name).read_text()
        converted = subprocess.run(
            [codegen, "convert", str(alpha), "--to", "beta5"],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
        for what, text in (("official", official), ("converted", converted)):
            doc = yaml.safe_load(text)
            errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
            for e in errors:
                failures.append(f"{alpha.name} ({what}): {'/'.join(map(str, e.path))}: {e.message[:300]}")
            print(f"{alpha.name} ({what}): {'valid' if not errors else f'{len(errors)} errors'}")
    for f in failures:
        print(f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
