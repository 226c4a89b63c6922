#!/usr/bin/env python3
"""Writes the bundled health-record cohorts in LabelFree's long format (src/LabelFree.Data/Ehr/README.md).

    /usr/bin/python3 data/derive/ehr_long_format.py data/ehr      (standard library only)

NAFLD (R survival's nafld1-3, exported with write.csv) -> nafld_events.csv.gz, nafld_patients.csv.gz:
  patients: id -> patient, male (0/1) -> sex F/M, age -> age (years at the index date, time 0), futime -> end (days),
            status -> death.
  events:   nafld3 diagnoses (days, event) with spaces in codes turned into underscores ("heart failure" ->
            heart_failure); nafld2 labs and vitals (days, test, value); nafld1's weight, height and bmi as values at
            day 0. Exact duplicate rows are dropped. In this export every chol value equals the hdl value of the same
            patient and day, and every dbp value the sbp value (the values are HDL and systolic pressures), so the chol
            and dbp rows are dropped as copies; the script checks that they are copies before dropping them.
DMlate (R Epi's Danish diabetes register sample) -> dmlate_events.csv.gz, dmlate_patients.csv.gz:
  patients: row name -> patient, sex, dobth -> birth, dox -> end, death = 1 where dodth is given (decimal years).
  events:   dm at dodm, oad at dooad (second oral-drug prescription), ins at doins (second insulin prescription).
Outputs are gzipped with a zero timestamp, so a rerun writes identical bytes.
"""
import csv
import gzip
import io
import sys
from collections import defaultdict


def rows(path):
    with gzip.open(path, "rt", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        for row in reader:
            yield dict(zip(header, row))


def write(path, header, records):
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow(header)
    out.writerows(records)
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
        f.write(buffer.getvalue().encode())


def number(text):
    return None if text in ("", "NA") else text


def nafld(folder):
    patients, baseline = [], []
    for r in rows(f"{folder}/nafld1.csv.gz"):
        patients.append((r["id"], "M" if r["male"] == "1" else "F", r["age"], r["futime"], r["status"]))
        for name in ("weight", "height", "bmi"):
            if number(r[name]) is not None:
                baseline.append((int(r["id"]), 0, name, r[name]))
    labs = defaultdict(dict)
    events = []
    for r in rows(f"{folder}/nafld2.csv.gz"):
        labs[(r["id"], r["days"])].setdefault(r["test"], set()).add(r["value"])
        events.append((int(r["id"]), int(r["days"]), r["test"], r["value"]))
    for copy, original in (("chol", "hdl"), ("dbp", "sbp")):
        for key, tests in labs.items():
            if copy in tests and tests[copy] != tests.get(original):
                sys.exit(f"nafld2: {copy} differs from {original} for patient {key[0]} on day {key[1]}; not a copy")
    events = [e for e in events if e[2] not in ("chol", "dbp")]
    for r in rows(f"{folder}/nafld3.csv.gz"):
        events.append((int(r["id"]), int(r["days"]), r["event"].replace(" ", "_"), ""))
    events += baseline
    unique = sorted(set(events), key=lambda e: (e[0], e[1], e[2], e[3]))
    write(f"{folder}/nafld_patients.csv.gz", ["patient", "sex", "age", "end", "death"], patients)
    write(f"{folder}/nafld_events.csv.gz", ["patient", "days", "code", "value"], unique)
    print(f"nafld: {len(patients)} patients, {len(unique)} events ({len(events) - len(unique)} duplicates dropped)")


def dmlate(folder):
    patients, events = [], []
    for r in rows(f"{folder}/dmlate_epi.csv.gz"):
        pid = r[""]
        died = number(r["dodth"]) is not None
        if died and r["dodth"] != r["dox"]:
            sys.exit(f"dmlate: patient {pid} died on {r['dodth']} but exits on {r['dox']}")
        patients.append((pid, r["sex"], r["dobth"], r["dox"], "1" if died else "0"))
        for column, code in (("dodm", "dm"), ("dooad", "oad"), ("doins", "ins")):
            if number(r[column]) is not None:
                events.append((pid, r[column], code))
    write(f"{folder}/dmlate_patients.csv.gz", ["patient", "sex", "birth", "end", "death"], patients)
    write(f"{folder}/dmlate_events.csv.gz", ["patient", "years", "code"], events)
    print(f"dmlate: {len(patients)} patients, {len(events)} events")


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else "data/ehr"
    nafld(target)
    dmlate(target)
