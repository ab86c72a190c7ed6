"""Checks `flink-backup restore` with an independent YAML 1.1 reader (PyYAML), as kubectl reads.

Usage: fidelity.py BINARY OPERATOR_CONFIG FILE...

For each file given: a COMPLETED FlinkStateSnapshot is added for every restorable resource in it,
the whole is piped through `flink-backup restore`, and every output document, read back by PyYAML,
must equal its input document read by PyYAML, except at the paths the restore is documented to
change; and the YAML (an edit of the saved text) must read as the `-o json` output says. The
`-o velero` rules, read by PyYAML (go-yaml v2 reads YAML 1.1 too) and applied to each saved object
by independent implementations (json-merge-patch for RFC 7386, jsonpatch for RFC 6902 after
Velero's string pasting), must give the same forms. Exit 0 when all match; otherwise print every
difference and exit 1.
"""

import copy
import json

import datetime
import subprocess
import sys

import json_merge_patch
import jsonpatch
import yaml

SAVEPOINT = "s3://flink-state/savepoints/savepoint-fidelity-0001"
DR_NAMESPACE = "flink-dr"
SERVER_METADATA = [
    "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "selfLink",
    "deletionTimestamp", "deletionGracePeriodSeconds", "ownerReferences",
]
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def as_kubectl_sees(value):
    """sigs.k8s.io/yaml turns YAML into JSON: keys become strings, dates stay text."""
    if isinstance(value, dict):
        return {key_text(k): as_kubectl_sees(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_kubectl_sees(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def key_text(key):
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


def job_keys(doc):
    """Where the job is: spec.job, or a blue/green deployment's template's."""
    if doc.get("kind") == "FlinkBlueGreenDeployment":
        return ["spec", "template", "spec", "job"]
    return ["spec", "job"]


def job_of(doc):
    value = doc
    for key in job_keys(doc):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def is_target(doc):
    kind = doc.get("kind")
    return kind == "FlinkSessionJob" or (
        kind in ("FlinkDeployment", "FlinkBlueGreenDeployment") and isinstance(job_of(doc), dict))


def snapshot_for(doc):
    meta = doc.get("metadata") or {}
    kind, name = doc["kind"], meta.get("name")
    if kind == "FlinkBlueGreenDeployment":
        # Its job runs in its children: a snapshot names one of them.
        kind, name = "FlinkDeployment", f"{name}-blue"
    text = (
        "apiVersion: flink.apache.org/v1beta1\nkind: FlinkStateSnapshot\n"
        f"metadata:\n  name: fidelity-{meta.get('name')}\n"
        f"spec:\n  jobReference:\n    kind: {kind}\n    name: '{name}'\n"
        "  savepoint:\n    disposeOnDelete: false\n"
        f"status:\n  state: COMPLETED\n  path: '{SAVEPOINT}'\n  resultTimestamp: '2999-01-01T00:00:00Z'\n"
    )
    if meta.get("namespace"):
        text = text.replace("metadata:\n", f"metadata:\n  namespace: '{meta['namespace']}'\n", 1)
    return text


def expected_restore_form(doc, kind, namespace=None):
    out = dict(doc)
    out.pop("status", None)
    meta = dict(out.get("metadata") or {})
    for field in SERVER_METADATA:
        meta.pop(field, None)
    annotations = meta.get("annotations")
    if isinstance(annotations, dict) and LAST_APPLIED in annotations:
        annotations = {k: v for k, v in annotations.items() if k != LAST_APPLIED}
        if annotations:
            meta["annotations"] = annotations
        else:
            meta.pop("annotations")
    finalizer = f"{kind.lower()}s.flink.apache.org/finalizer"
    if isinstance(meta.get("finalizers"), list) and finalizer in meta["finalizers"]:
        kept = [f for f in meta["finalizers"] if f != finalizer]
        if kept:
            meta["finalizers"] = kept
        else:
            meta.pop("finalizers")
    if namespace:
        meta["namespace"] = namespace
    out["metadata"] = meta
    if is_target(doc):
        out = copy.deepcopy(out)
        parent = out
        for key in job_keys(doc)[:-1]:
            parent = parent[key]
        job = parent["job"]
        job.pop("savepointTriggerNonce", None)
        job.pop("checkpointTriggerNonce", None)
        job.update(upgradeMode="savepoint", state="running", initialSavepointPath=SAVEPOINT,
                   allowNonRestoredState=True)
    return out


# What Velero strips before it applies resource modifiers (pkg/restore, resetMetadataAndStatus).
VELERO_REMOVES = ["generateName", "selfLink", "uid", "resourceVersion", "generation",
                  "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
                  "ownerReferences"]

# Velero's rule types, for a decoding as strict as its yaml.UnmarshalStrict: key -> type.
VELERO_RULE = {"conditions": dict, "patches": list, "mergePatches": list, "strategicPatches": list}
VELERO_CONDITIONS = {"namespaces": list, "groupResource": str, "resourceNameRegex": str,
                     "labelSelector": dict, "matches": list}
VELERO_JSON_PATCH = {"operation": str, "from": str, "path": str, "value": str}
VELERO_MERGE_PATCH = {"patchData": str}


def strict(value, fields, where):
    """The keys and types Velero's structs declare, and nothing else."""
    if not isinstance(value, dict):
        raise ValueError(f"{where}: not a mapping: {value!r}")
    for key, v in value.items():
        if key not in fields:
            raise ValueError(f"{where}: unknown field {key!r}")
        if not isinstance(v, fields[key]):
            raise ValueError(f"{where}.{key}: {v!r} is not a {fields[key].__name__}")
    return value


def as_velero_restores_it(doc):
    out = copy.deepcopy(doc)
    out.pop("status", None)
    for field in VELERO_REMOVES:
        (out.get("metadata") or {}).pop(field, None)
    return out


def go_parse_float(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def velero_pasted(op, release):
    """JSONPatch.ToString of Velero 1.12.0 (and 1.12.1), or of 1.12.2 and later."""
    value = op.get("value", "")
    if release == "1.12.0":
        bare = (value == "null" or value in ("1", "t", "T", "TRUE", "true", "True", "0", "f", "F",
                                             "FALSE", "false", "False")
                or value.startswith(("{", "[")) or go_parse_float(value))
    elif value.startswith('"') and value.endswith('"'):
        value, bare = value.strip('"'), False
    else:
        bare = (value == "null" or value.lower() in ("true", "false")
                or value.startswith(("{", "[")) or go_parse_float(value))
    if not value:
        bare = False
    text = value if bare else f'"{value}"'
    return (f'{{"op": "{op["operation"]}", "from": "{op.get("from", "")}", '
            f'"path": "{op["path"]}", "value": {text}}}')


def velero_rules(binary, operator_config, stream, json_patches):
    args = [binary, "restore", "-o", "velero", "--operator-config", operator_config]
    if json_patches:
        args.append("--velero-json-patch")
    run = subprocess.run(args, input=stream.encode(), capture_output=True)
    if run.returncode != 0:
        raise ValueError(f"restore -o velero failed: {run.stderr.decode()}")
    config_map = yaml.safe_load(run.stdout)
    if config_map.get("kind") != "ConfigMap" or len(config_map.get("data") or {}) != 1:
        raise ValueError(f"not a ConfigMap with one data key: {config_map}")
    modifiers = yaml.safe_load(next(iter(config_map["data"].values())))
    strict(modifiers, {"version": str, "resourceModifierRules": list}, "modifiers")
    for i, rule in enumerate(modifiers["resourceModifierRules"]):
        strict(rule, VELERO_RULE, f"rule {i}")
        strict(rule["conditions"], VELERO_CONDITIONS, f"rule {i}.conditions")
        for op in rule.get("patches", []):
            strict(op, VELERO_JSON_PATCH, f"rule {i}.patches")
        for merge in rule.get("mergePatches", []):
            strict(merge, VELERO_MERGE_PATCH, f"rule {i}.mergePatches")
    return modifiers["resourceModifierRules"]


def velero_applied(rules, doc, release):
    """`doc` as Velero restores it with `rules`."""
    out = as_velero_restores_it(doc)
    meta = doc.get("metadata") or {}
    group = f"{doc['kind'].lower()}s.flink.apache.org"
    for rule in rules:
        c = rule["conditions"]
        name = c["resourceNameRegex"][1:-1].replace("\\", "")
        if c["groupResource"] != group or name != meta.get("name"):
            continue
        if c.get("namespaces") and meta.get("namespace") not in c["namespaces"]:
            continue
        if rule.get("patches"):
            text = "[" + ",\n\t".join(velero_pasted(op, release) for op in rule["patches"]) + "]"
            out = jsonpatch.JsonPatch(json.loads(text)).apply(out)
        for merge in rule.get("mergePatches", []):
            # sigs.k8s.io/yaml reads patchData as YAML (1.1, by go-yaml v2), then merges.
            out = json_merge_patch.merge(out, yaml.safe_load(merge["patchData"]))
    return out


def check_velero(binary, operator_config, stream, docs, forms, path):
    problems = []
    for json_patches, releases in [(False, ["1.12.2"]), (True, ["1.12.0", "1.12.2"])]:
        try:
            rules = velero_rules(binary, operator_config, stream, json_patches)
        except ValueError as e:
            return [f"{path}: {e}"]
        for release in releases:
            for form in forms:
                meta = form.get("metadata") or {}
                saved = next(d for d in docs if d.get("kind") == form.get("kind")
                             and (d.get("metadata") or {}).get("name") == meta.get("name"))
                got = velero_applied(rules, saved, release)
                if got != as_velero_restores_it(form):
                    problems.append(f"{path}: Velero {release} (json patches {json_patches}) "
                                    f"makes {form['kind']} {meta.get('name')}\n  {got}\n  "
                                    f"expected {form}")
    return problems


def check_file(binary, operator_config, path):
    with open(path, encoding="utf-8") as f:
        # IBM's session job templates leave the jar for the user to fill in: fill it in.
        text = f.read().replace("'<URI of the job jar>'", "'https://repo.example.com/job.jar'")
    docs = []
    for d in yaml.safe_load_all(text):
        if isinstance(d, dict) and d.get("kind") == "List" and isinstance(d.get("items"), list):
            docs.extend(as_kubectl_sees(i) for i in d["items"])
        elif isinstance(d, dict):
            docs.append(as_kubectl_sees(d))
    parents = {(d.get("metadata") or {}).get("name") for d in docs
               if d.get("kind") == "FlinkBlueGreenDeployment"}
    # A blue/green child is restored through its parent, and left out of the output.
    targets = [d for d in docs if is_target(d) and not any(
        o.get("kind") == "FlinkBlueGreenDeployment" and o.get("name") in parents
        for o in (d.get("metadata") or {}).get("ownerReferences") or [])]
    if not targets:
        return 0, []
    stream = text + "".join("\n---\n" + snapshot_for(d) for d in targets)
    run = subprocess.run([binary, "restore", "--operator-config", operator_config],
                         input=stream.encode(), capture_output=True)
    if run.returncode != 0:
        return 0, [f"{path}: restore failed: {run.stderr.decode()}"]
    problems = []
    outputs = [as_kubectl_sees(d) for d in yaml.safe_load_all(run.stdout) if d is not None]
    as_json = subprocess.run([binary, "restore", "-o", "json", "--operator-config", operator_config],
                             input=stream.encode(), capture_output=True)
    parsed = json.loads(as_json.stdout) if as_json.returncode == 0 else None
    if parsed is None:
        problems.append(f"{path}: restore -o json failed: {as_json.stderr.decode()}")
    else:
        items = parsed["items"] if parsed.get("kind") == "List" else [parsed]
        if items != outputs:
            problems.append(f"{path}: the YAML reads differently from -o json\n  yaml {outputs}\n  json {items}")
    by_identity = {(d.get("kind"), (d.get("metadata") or {}).get("name"),
                    (d.get("metadata") or {}).get("namespace")): d for d in docs}
    for out in outputs:
        meta = out.get("metadata") or {}
        key = (out.get("kind"), meta.get("name"), meta.get("namespace"))
        if key not in by_identity:
            problems.append(f"{path}: output {key} matches no input document")
            continue
        expected = expected_restore_form(by_identity[key], out["kind"])
        if out != expected:
            problems.append(f"{path}: {key} differs\n  expected {expected}\n  got      {out}")
    if parsed is not None:
        snapshots = [as_kubectl_sees(yaml.safe_load(snapshot_for(d))) for d in targets]
        problems.extend(check_velero(binary, operator_config, stream, docs + snapshots, items,
                                     path))
    if len(outputs) < len(targets):
        problems.append(f"{path}: {len(targets)} targets but {len(outputs)} outputs")
    # Into another namespace (disaster recovery): the same forms, with only the namespace changed.
    moved = subprocess.run([binary, "restore", "--namespace", DR_NAMESPACE,
                            "--operator-config", operator_config],
                           input=stream.encode(), capture_output=True)
    if moved.returncode != 0:
        problems.append(f"{path}: restore --namespace failed: {moved.stderr.decode()}")
    else:
        for out in (as_kubectl_sees(d) for d in yaml.safe_load_all(moved.stdout) if d is not None):
            meta = out.get("metadata") or {}
            matches = [d for d in docs if d.get("kind") == out.get("kind")
                       and (d.get("metadata") or {}).get("name") == meta.get("name")]
            expected = expected_restore_form(matches[0], out["kind"], DR_NAMESPACE) if matches else None
            if out != expected:
                problems.append(f"{path}: --namespace {DR_NAMESPACE}: {out.get('kind')} "
                                f"{meta.get('name')} differs\n  expected {expected}\n  got      {out}")
    return len(outputs), problems


def main():
    binary, operator_config, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
    checked, problems = 0, []
    for path in paths:
        n, found = check_file(binary, operator_config, path)
        checked += n
        problems.extend(found)
    for p in problems:
        print(p)
    print(f"fidelity: {checked} restored documents checked with PyYAML {yaml.__version__}, "
          f"{len(problems)} differences")
    sys.exit(1 if problems or checked == 0 else 0)


if __name__ == "__main__":
    main()
