"""The original XML-to-CSV conversion, re-created as the baseline for RET's converter.

Per file: parse the whole document with ElementTree, take the children of the element
holding the repeated records, flatten each record to a dict (dotted paths, attributes as
path@name, repeated children numbered path[2]), then write all rows with csv.DictWriter
(the header is the union of keys, first seen first).

usage: python3 baseline_convert.py INPUT-DIR OUT-DIR   (prints one RESULT line)
"""
import csv
import os
import resource
import sys
import time
import xml.etree.ElementTree as ET


def flatten(element, prefix, row):
    for name, value in element.attrib.items():
        row[f"{prefix}@{name}" if prefix else f"@{name}"] = value
    text = (element.text or "").strip()
    if text or (len(element) == 0 and not element.attrib):
        row[prefix or element.tag] = text
    seen = {}
    for child in element:
        seen[child.tag] = seen.get(child.tag, 0) + 1
        n = seen[child.tag]
        name = child.tag if n == 1 else f"{child.tag}[{n}]"
        flatten(child, f"{prefix}.{name}" if prefix else name, row)


def record_parent(root):
    """Descend through single children until an element whose children repeat."""
    node = root
    while True:
        tags = [child.tag for child in node]
        if len(set(tags)) == 1 and len(tags) > 1:
            return node
        containers = [child for child in node if len(child) > 1]
        if not containers:
            return node
        node = max(containers, key=len)


def convert(path, out_path):
    root = ET.parse(path).getroot()
    rows = []
    for record in record_parent(root):
        row = {}
        flatten(record, "", row)
        rows.append(row)
    fields = {}
    for row in rows:
        for key in row:
            fields.setdefault(key, None)
    with open(out_path, "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(fields))
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def main():
    source, target = sys.argv[1], sys.argv[2]
    os.makedirs(target, exist_ok=True)
    files = sorted(f for f in os.listdir(source) if f.endswith(".xml"))
    total = sum(os.path.getsize(os.path.join(source, f)) for f in files)
    start = time.perf_counter()
    cpu_start = time.process_time()
    rows = 0
    for name in files:
        rows += convert(os.path.join(source, name), os.path.join(target, name[:-4] + ".csv"))
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"RESULT mode=python bytes={total} seconds={seconds:.3f} cpuSeconds={cpu_seconds:.3f}"
          f" vmHwmKb={peak_kb} rows={rows}")


if __name__ == "__main__":
    main()
