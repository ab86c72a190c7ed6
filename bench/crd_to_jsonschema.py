"""The conversion people do today to feed check-jsonschema: the CRD's openAPIV3Schema, as JSON."""

import json
import sys

import yaml

with open(sys.argv[1], encoding="utf-8") as f:
    crd = yaml.safe_load(f)
version = next(v for v in crd["spec"]["versions"] if v["name"] == "v1beta1")
json.dump(version["schema"]["openAPIV3Schema"], sys.stdout)
