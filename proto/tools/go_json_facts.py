#!/usr/bin/env python3
"""Derives the Go JSON facts that Kubernetes' generated.proto files do not carry.

The .proto files give each field's wire number and type, but not how the Go struct field behind it is
written as JSON: whether it has `omitempty`, whether it is nilable (pointer, slice, map, []byte, named
slice type), whether it is embedded `json:",inline"`, or whether its JSON name differs from its proto name.
This reads the Go type declarations of the same release (struct tags only) and writes the fields that
differ from the default "JSON name = proto name, omitempty, non-nilable" to a TSV file that the codec loads.

Usage: go_json_facts.py <kubernetes/api git dir> <kubernetes/apimachinery git dir> <tag> <proto root> <out.tsv>
"""
import os, re, subprocess, sys

API_GIT, MACHINERY_GIT, TAG, PROTO_ROOT, OUT = sys.argv[1:6]

# Messages whose JSON form is written by hand in the codec (custom MarshalJSON in Go, or the envelope).
# Go types declared as another package's type (`type List metav1.List`): their rows are copied.
ALIASES = {"k8s.io.api.core.v1.List": "k8s.io.apimachinery.pkg.apis.meta.v1.List"}

SPECIAL = {"Time", "MicroTime", "Duration", "Timestamp", "Quantity", "QuantityValue", "IntOrString",
           "RawExtension", "FieldsV1", "Verbs", "ExtraValue", "Unknown", "TypeMeta", "Fields"}


def git(repo, *args):
    return subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True, text=True).stdout


def proto_messages(text):
    """{message: {number: (label, type, name)}} for the top-level messages of one generated.proto."""
    out, current = {}, None
    for line in text.splitlines():
        m = re.match(r"^message (\w+) \{", line)
        if m:
            current = out.setdefault(m.group(1), {})
            continue
        if line.startswith("}"):
            current = None
            continue
        if current is None:
            continue
        m = re.match(r"^\s+(optional|repeated|required)?\s*(map<[^>]+>|[\w.]+)\s+(\w+)\s*=\s*(\d+);", line)
        if m:
            current[int(m.group(4))] = (m.group(1) or "", m.group(2), m.group(3))
    return out


def go_types(repo, pkgdir):
    """(structs {name: [(goType, tag, embedded)]}, nilable named types) from a Go package at TAG."""
    structs, nilable = {}, set()
    for path in git(repo, "ls-tree", "--name-only", f"{TAG}:{pkgdir}").split():
        if not path.endswith(".go") or path.endswith("_test.go") or path.startswith("zz_") or path == "generated.pb.go":
            continue
        src = git(repo, "show", f"{TAG}:{pkgdir}/{path}")
        for m in re.finditer(r"^type (\w+) (\[\]|map\[)", src, re.M):
            nilable.add(m.group(1))
        for m in re.finditer(r"^type (\w+) struct \{\n(.*?)^\}", src, re.M | re.S):
            fields = []
            for line in m.group(2).splitlines():
                line = line.strip()
                if not line or line.startswith("//") or "`" not in line:
                    continue
                decl, tag = line.split("`", 1)
                parts = decl.split()
                embedded = len(parts) == 1
                fields.append((parts[-1], tag.rstrip("`"), embedded, parts[0]))
            structs[m.group(1)] = fields
    return structs, nilable


def facts_for(proto_path, repo, pkgdir, rows):
    text = open(os.path.join(PROTO_ROOT, proto_path)).read()
    package = re.search(r"^package ([\w.]+);", text, re.M).group(1)
    structs, nilable = go_types(repo, pkgdir)
    for message, fields in proto_messages(text).items():
        if message in SPECIAL:
            continue
        if f"{package}.{message}" in ALIASES:
            continue
        if message not in structs:
            print(f"warning: no Go struct for {package}.{message}", file=sys.stderr)
            continue
        by_number = {}
        for go_type, tag, embedded, go_name in structs[message]:
            m = re.search(r'protobuf:"\w+,(\d+),', tag)
            if m:
                by_number[int(m.group(1))] = (go_type, tag, embedded, go_name)
        for number, (label, ptype, pname) in sorted(fields.items()):
            if number not in by_number:
                print(f"warning: no Go field for {package}.{message}.{pname}", file=sys.stderr)
                continue
            go_type, tag, embedded, go_name = by_number[number]
            jm = re.search(r'json:"([^"]*)"', tag)
            json_tag = jm.group(1).split(",") if jm else [go_name]
            json_name, options = json_tag[0], json_tag[1:]
            flags = []
            if "inline" in options or (embedded and json_name == ""):
                flags.append("inline")
            else:
                if json_name == "":
                    json_name = go_name
                if json_name != pname:
                    flags.append("json=" + json_name)
                if "omitempty" not in options:
                    flags.append("keep")
                base = go_type.split(".")[-1]
                if label != "repeated" and not ptype.startswith("map<") and (
                        go_type.startswith("*") or go_type.startswith("[]") or base in nilable):
                    flags.append("nilable")
            if flags:
                rows.append(f"{package}.{message}\t{number}\t{pname}\t{','.join(flags)}")


def main():
    rows = []
    for root, _, files in sorted(os.walk(PROTO_ROOT)):
        for f in files:
            if f != "generated.proto":
                continue
            rel = os.path.relpath(os.path.join(root, f), PROTO_ROOT)
            pkgdir = os.path.dirname(rel)
            if pkgdir.startswith("k8s.io/api/"):
                facts_for(rel, API_GIT, pkgdir[len("k8s.io/api/"):], rows)
            elif pkgdir.startswith("k8s.io/apimachinery/"):
                facts_for(rel, MACHINERY_GIT, pkgdir[len("k8s.io/apimachinery/"):], rows)
    for alias, target in ALIASES.items():
        rows += [alias + r[len(target):] for r in rows if r.startswith(target + "\t")]
    rows.sort()
    with open(OUT, "w") as out:
        out.write(f"# Go JSON facts for Kubernetes {TAG} types, derived from struct tags by proto/tools/go_json_facts.py.\n")
        out.write("# message\tfield number\tproto name\tflags: inline | json=<name> | keep (no omitempty) | nilable\n")
        out.write("# Fields not listed: JSON name = proto name, omitempty, not nilable.\n")
        for r in rows:
            out.write(r + "\n")
    print(f"{len(rows)} rows", file=sys.stderr)


main()
