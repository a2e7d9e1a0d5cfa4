#!/usr/bin/env python3
"""Validates CycloneDX 1.6 JSON BOMs with the CycloneDX project's own library.

For each file: cyclonedx-python-lib's strict JSON validator (its bundled 1.6
schema), then the BOM is loaded into the library's model (`Bom.from_json`),
whose checks reject dependency references to unknown components; and every
vulnerability's `affects` reference must name a listed component. Prints one
line per problem and exits 1 when there is any.

Usage: python3 -m pip install 'cyclonedx-python-lib[json-validation]==11.12.0'
       scripts/cyclonedx-validate.py BOM.json...
"""
import json
import sys
import warnings

from cyclonedx.model.bom import Bom
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

validator = JsonStrictValidator(SchemaVersion.V1_6)
problems = []
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8").read()
    errors = validator.validate_str(text, all_errors=True)
    for error in errors or []:
        problems.append(f"{path}: schema: {error}")
    if errors:
        continue
    document = json.loads(text)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            bom = Bom.from_json(document)
            bom.validate()
    except Exception as error:  # the library's own exceptions and warnings
        problems.append(f"{path}: model: {type(error).__name__}: {error}")
        continue
    references = {c.bom_ref.value for c in bom.components}
    for vulnerability in document.get("vulnerabilities", []):
        for affected in vulnerability.get("affects", []):
            if affected["ref"] not in references:
                problems.append(f"{path}: {vulnerability['id']} affects {affected['ref']}, no component")
    print(f"{path}: {len(bom.components)} components, {len(bom.dependencies)} dependency entries, "
          f"{len(bom.vulnerabilities)} vulnerabilities")
for problem in problems:
    print(problem)
sys.exit(1 if problems else 0)
