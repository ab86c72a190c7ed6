"""Checks `flink-backup restore` with an independent YAML 1.1 reader (PyYAML), as kubectl reads.

Usage: fidelity.py BINARY OPERATOR_CONFIG FILE...

For each file given: a COMPLETED FlinkStateSnapshot is added for every restorable resource in it,
the whole is piped through `flink-backup restore`, and every output document, read back by PyYAML,
must equal its input document read by PyYAML, except at the paths the restore is documented to
change; and the YAML (an edit of the saved text) must read as the `-o json` output says. Exit 0
when all match; otherwise print every difference and exit 1.
"""

import json

import datetime
import subprocess
import sys

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


def is_target(doc):
    kind = doc.get("kind")
    job = (doc.get("spec") or {}).get("job")
    return kind == "FlinkSessionJob" or (kind == "FlinkDeployment" and isinstance(job, dict))


def snapshot_for(doc):
    meta = doc.get("metadata") or {}
    text = (
        "apiVersion: flink.apache.org/v1beta1\nkind: FlinkStateSnapshot\n"
        f"metadata:\n  name: fidelity-{meta.get('name')}\n"
        f"spec:\n  jobReference:\n    kind: {doc['kind']}\n    name: '{meta.get('name')}'\n"
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
        spec = dict(out["spec"])
        job = dict(spec["job"])
        job.pop("savepointTriggerNonce", None)
        job.pop("checkpointTriggerNonce", None)
        job.update(upgradeMode="savepoint", state="running", initialSavepointPath=SAVEPOINT,
                   allowNonRestoredState=True)
        spec["job"] = job
        out["spec"] = spec
    return out


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
    targets = [d for d in docs if is_target(d)]
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
