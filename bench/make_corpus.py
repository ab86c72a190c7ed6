"""Writes the benchmark inputs from fixtures/corpus: one FlinkDeployment in one file, and 10,000
FlinkDeployments across 1,000 files (ten documents each), renamed so that every one is distinct;
the same 10,000 one per file for check-jsonschema, which reads a single document per file; and
the restore at scale: 3,000 saved deployments with ten COMPLETED snapshots each (as periodic
snapshots accumulate), and the same at twice and four times the size; and one file whose every
object has a finding (an unknown field), as documents of a stream and as a `kubectl get -o yaml`
List, at two sizes each: placing findings must grow linearly."""

import os
import sys

SOURCE = "fixtures/corpus/ibm-event-automation/flink/cr-examples/flinkdeployment/kubernetes/production-application-cluster.yaml"
SNAPSHOT = """apiVersion: flink.apache.org/v1beta1
kind: FlinkStateSnapshot
metadata:
  name: application-cluster-prod-backup
spec:
  jobReference:
    kind: FlinkDeployment
    name: application-cluster-prod
  savepoint:
    alreadyExists: false
    disposeOnDelete: false
status:
  path: 'file:/opt/flink/volume/flink-sp/savepoint-caf2b2-39d09a1c170c'
  resultTimestamp: '2026-11-21T08:00:07Z'
  state: COMPLETED
"""


def main(out):
    with open(SOURCE, encoding="utf-8") as f:
        deployment = f.read()
    os.makedirs(f"{out}/many", exist_ok=True)
    # check-jsonschema reads one document per file: the same 10,000 documents, one per file.
    os.makedirs(f"{out}/many-single", exist_ok=True)
    with open(f"{out}/one.yaml", "w", encoding="utf-8") as f:
        f.write(deployment)
    with open(f"{out}/pair.yaml", "w", encoding="utf-8") as f:
        f.write(deployment + "---\n" + SNAPSHOT)
    for i in range(1000):
        docs = [deployment.replace("name: application-cluster-prod", f"name: app-{i:04d}-{j}", 1) for j in range(10)]
        with open(f"{out}/many/deployments-{i:04d}.yaml", "w", encoding="utf-8") as f:
            f.write("---\n".join(docs))
        for j, doc in enumerate(docs):
            with open(f"{out}/many-single/deployment-{i:04d}-{j}.yaml", "w", encoding="utf-8") as f:
                f.write(doc)
    for scale in (1, 2, 4):
        write_restore_at_scale(deployment, f"{out}/restore-{scale}x", targets=3000 * scale)
    flawed = deployment.replace("\nspec:\n", "\nspec:\n  bogusField: 1\n", 1)
    assert flawed != deployment
    for scale in (1, 4):
        docs = [flawed.replace("name: application-cluster-prod", f"name: app-{i:05d}", 1) for i in range(1000 * scale)]
        with open(f"{out}/findings-stream-{scale}x.yaml", "w", encoding="utf-8") as f:
            f.write("---\n".join(docs))
        items = ["- " + doc.rstrip("\n").replace("\n", "\n  ") + "\n" for doc in docs[:500 * scale]]
        with open(f"{out}/findings-list-{scale}x.yaml", "w", encoding="utf-8") as f:
            f.write("apiVersion: v1\nkind: List\nitems:\n" + "".join(items))


def write_restore_at_scale(deployment, folder, targets, per_file=100, snapshots_each=10):
    """`targets` deployments, `per_file` to a file, each file followed by one with their snapshots,
    the newest of each target's snapshots last (resultTimestamp decides, not the order)."""
    os.makedirs(folder, exist_ok=True)
    for first in range(0, targets, per_file):
        names = [f"app-{i:05d}" for i in range(first, min(first + per_file, targets))]
        docs = [deployment.replace("name: application-cluster-prod", f"name: {n}", 1) for n in names]
        with open(f"{folder}/deployments-{first:05d}.yaml", "w", encoding="utf-8") as f:
            f.write("---\n".join(docs))
        snapshots = []
        for n in names:
            for k in range(snapshots_each):
                snapshots.append(
                    SNAPSHOT.replace("name: application-cluster-prod-backup", f"name: {n}-backup-{k:02d}", 1)
                    .replace("name: application-cluster-prod\n", f"name: {n}\n", 1)
                    .replace("savepoint-caf2b2-39d09a1c170c", f"savepoint-{n}-{k:02d}")
                    .replace("2026-11-21T08:00:07Z", f"2026-11-{11 + k:02d}T08:00:07Z")
                )
        with open(f"{folder}/snapshots-{first:05d}.yaml", "w", encoding="utf-8") as f:
            f.write("---\n".join(snapshots))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "bench/out/corpus")
