#!/usr/bin/env python3
"""update-hashes.py: refreshes the "sections" hashes in content/bindings.json
from the built-in articles (run after editing an article; needs ./asr-doctor)."""
import json, re, subprocess, sys

def hashes(lang):
    out = subprocess.run(["./asr-doctor", "--lang", lang, "tree", "--hashes"],
                         check=True, capture_output=True, text=True).stdout
    found = {}
    for line in out.splitlines():
        m = re.search(r"  #(\S+).*  hash=([0-9a-f]+)$", line)
        if m:
            found[m.group(1)] = m.group(2)
    return found

path = "content/bindings.json"
with open(path, encoding="utf-8") as f:
    data = json.load(f)
en, zh = hashes("en"), hashes("zh-CN")
sections = {}
for anchor in sorted(en):
    sections[anchor] = [en[anchor], zh.get(anchor, "")]
data["sections"] = sections
# One binding and one section a line, so diffs stay readable.
def one(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(", ", ": "))

lines = ["{"]
for key in data:
    if key == "bindings":
        lines.append('  "bindings": [')
        lines += ["    " + one(b) + ("," if i + 1 < len(data[key]) else "")
                  for i, b in enumerate(data[key])]
        lines.append("  ],")
    elif key == "sections":
        continue
    else:
        lines.append(f"  {json.dumps(key)}: {one(data[key])},")
lines.append('  "sections": {')
items = list(sections.items())
lines += [f"    {json.dumps(k)}: {one(v)}" + ("," if i + 1 < len(items) else "")
          for i, (k, v) in enumerate(items)]
lines += ["  }", "}"]
with open(path, "w", encoding="utf-8") as f:
    f.write("\n".join(lines) + "\n")
print(f"{len(sections)} sections hashed", file=sys.stderr)
