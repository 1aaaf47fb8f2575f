"""The tutorial's Python half (docs/tutorial.md): the files prepare.py wrote, registered, served, monitored and retrained
through the Python client. MLP_URL and MLP_KEY say where (else ./scripts/run.sh's address and no key).

    PYTHONPATH=clients/python python3 docs/examples/tutorial/tutorial.py OUTPUT
"""
import json
import sys
import time
from pathlib import Path

import pandas as pd

from mlplatform import Platform

folder = Path(sys.argv[1])
platform = Platform()

# Register the model with the data it was trained on: drift is measured against it.
card = json.loads((folder / "model-card.json").read_text())
name = card["name"]
registered = platform.register(name, card, folder / "model.onnx", reference=pd.read_csv(folder / "reference.csv"))
print(f"registered {name} version {registered['version']}, serving: {registered['serving']}, reference rows: {registered['card']['reference']['rows']}")

# One prediction; then 2013 and 2014 online, each day under its date as the entity key (the outcomes will name it).
print("one day:", platform.predict(name, {"date": "2013-07-04T00:00:00", "precipitation": 0, "temp_max": 27.2, "temp_min": 14.4, "wind": 2.1}))
answer = platform.predict(name, pd.read_csv(folder / "days.csv"))
print(f"2013-2014: {answer['predicted']} predicted, {answer['invalid']} invalid")

# 2015 as a batch: scored asynchronously, its results downloaded.
status = platform.submit_batch(name, folder / "batch-2015.csv", progress=lambda status: print(f"  batch {status['state']}: {status['rows']['scored']} rows"))
print(f"batch {status['id']}: {status['rows']['scored']} scored, {status['rows']['invalid']} invalid")
print(platform.batch_results_frame(name, status["id"]).head(3).to_string(index=False))

# The truth arrives later: outcomes by entity key, joined to the online predictions of those days.
summary = platform.send_outcomes(pd.read_csv(folder / "outcomes.csv"), model=name)
print(f"outcomes: {summary}", flush=True)

# Monitoring: drift per column against 2012, and the live accuracy against the card's.
deadline = time.monotonic() + 120
while True:
    monitoring = platform.monitoring(name, window="time")
    report = monitoring["report"]
    if report and report["window"]["outcomes"] >= summary["sent"] - summary["duplicate"]:
        break
    if time.monotonic() > deadline:
        sys.exit(f"Monitor did not count the outcomes within 120 s: {report and report['window']}")
    time.sleep(0.5)
for column in sorted(report["drift"], key=lambda column: -(column.get("psi") or 0))[:3]:
    print(f"  drift {column['column']}: psi {column.get('psi', 0):.3f}{' (drifted)' if column['drifted'] else ''}")
print(f"live accuracy {report['performance']['realized']['accuracy']:.3f} on {report['window']['outcomes']} outcomes; "
      f"the card says {report['performance']['reference']['accuracy']:.3f}; firing rules: {monitoring['firing']}")

# The labelled rows the Retrainer keeps (each prediction's record with its truth) arrive as events: wait for all of them.
deadline = time.monotonic() + 120
while len(rows := platform.training_data_frame(name)) < summary["joined"]:
    if time.monotonic() > deadline:
        sys.exit(f"The Retrainer has {len(rows)} of the {summary['joined']} labelled rows after 120 s")
    time.sleep(0.5)
print(f"labelled rows kept for retraining: {len(rows)}")

# Retrain on the joined outcomes: the platform trains a challenger from the card, evaluates both on a hold-out and
# rolls the winner out.
job = platform.retrain(name, reason="tutorial", wait=True)
evaluation = job.get("evaluation") or {}
print(f"retraining {job['jobId']}: {job['state']}, {evaluation.get('decision')}: {evaluation.get('reason') or job.get('error')}")
if job["state"] != "succeeded":
    sys.exit(1)
if job.get("rolloutId"):
    print(f"version {job['challengerVersion']} is rolling out: rollout {job['rolloutId']} (mlp rollouts watch {name})")
