#!/usr/bin/env python3
"""The ABI check: compares a built librtcpc.so and its rtcpc.h with the baseline
kept in this directory, so that an incompatible change cannot land by accident.

  abi.py check  LIBRARY HEADER   # ctest packaging_abi: exit 1 on any difference
  abi.py update LIBRARY HEADER   # record the current ABI as the baseline
  abi.py update --reviewed LIBRARY HEADER

The baseline is two files:
  symbols.txt       the dynamic symbols the library defines (nm -D), sorted;
  declarations.txt  every declaration of the header, normalized one per line:
                    functions, callback typedefs and structs whole, enums one
                    line per enumerator (comments and the version macros left out).
Each starts with "# librtcpc.so.MAJOR (rtcpc VERSION)".

Compatible: new symbols, new declarations, new enumerators. Incompatible:
anything of the baseline that is gone or changed (a removed function, a
changed parameter or return type, a changed enumerator value, a struct with
a field added, removed or retyped). See README.md here for what to do.
"""
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SYMBOLS = HERE / "symbols.txt"
DECLARATIONS = HERE / "declarations.txt"


def version_of(header_text):
    parts = [re.search(rf"#define RTCPC_VERSION_{p} (\d+)", header_text) for p in ("MAJOR", "MINOR", "PATCH")]
    if not all(parts):
        sys.exit("abi.py: the header has no RTCPC_VERSION_MAJOR/MINOR/PATCH")
    return tuple(int(m.group(1)) for m in parts)


def exported_symbols(library):
    out = subprocess.run(["nm", "-D", "--defined-only", str(library)], check=True,
                         capture_output=True, text=True).stdout
    return sorted({line.split()[-1] for line in out.splitlines() if line.strip()})


def normalize(text):
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s*([(),;{}\[\]])\s*", r"\1", text)
    text = re.sub(r"\s*\*\s*", " *", text)
    return text.replace("( *", "(*")


def header_declarations(header_text):
    text = re.sub(r"/\*.*?\*/", " ", header_text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("#"))
    text = text.replace('extern "C" {', " ")
    decls, depth, start = [], 0, 0
    for i, c in enumerate(text):
        if c == "{":
            depth += 1
        elif c == "}":
            if depth == 0:  # the closing brace of extern "C"
                start = i + 1
                continue
            depth -= 1
        elif c == ";" and depth == 0:
            decl = normalize(text[start:i + 1])
            start = i + 1
            if decl and decl != ";":
                decls.append(decl)
    out = []
    for d in decls:
        m = re.fullmatch(r"typedef enum (\w+)\{(.*)\}(\w+);", d)
        if m:
            out.append(f"enum {m.group(1)}")
            for e in filter(None, m.group(2).split(",")):
                out.append(f"enum {m.group(1)}: " + re.sub(r"\s*=\s*", " = ", e))
        elif "{" in d:
            out.append(d)  # a struct: field names and all
        else:
            out.append(without_parameter_names(d))
    return out


def without_parameter_names(decl):
    """A function or callback typedef with its parameter names left out
    (renaming a parameter changes neither the API nor the ABI)."""
    m = re.fullmatch(r"(.*)\(([^()]*)\);", decl)
    if not m:
        return decl
    params = []
    for p in m.group(2).split(","):
        n = re.fullmatch(r"(.*?)\s*\b\w+", p)
        prefix = n.group(1).strip() if n else ""
        keep = prefix and prefix not in ("const", "struct", "enum", "unsigned", "signed")
        params.append(prefix if keep else p)
    return f"{m.group(1)}({','.join(params)});"


def read_baseline(path):
    lines = path.read_text().splitlines()
    return lines[0], [l for l in lines[1:] if l and not l.startswith("#")]


def diff(old, new):
    old_set, new_set = set(old), set(new)
    return [l for l in old if l not in new_set], [l for l in new if l not in old_set]


def main(argv):
    reviewed = "--reviewed" in argv
    args = [a for a in argv if a != "--reviewed"]
    if len(args) != 3 or args[0] not in ("check", "update"):
        sys.exit(__doc__)
    mode, library, header = args
    header_text = Path(header).read_text()
    major, minor, patch = version_of(header_text)
    title = f"# librtcpc.so.{major} (rtcpc {major}.{minor}.{patch})"
    symbols = exported_symbols(library)
    declarations = header_declarations(header_text)

    base_major = None
    removed, added = [], []
    if SYMBOLS.exists() and DECLARATIONS.exists():
        base_title, base_symbols = read_baseline(SYMBOLS)
        _, base_decls = read_baseline(DECLARATIONS)
        base_major = int(re.search(r"librtcpc\.so\.(\d+)", base_title).group(1))
        for old, new, what in ((base_symbols, symbols, "symbol"), (base_decls, declarations, "declaration")):
            r, a = diff(old, new)
            removed += [f"{what}: {l}" for l in r]
            added += [f"{what}: {l}" for l in a]
    elif mode == "check":
        sys.exit(f"abi.py: no baseline in {HERE}: run abi.py update")

    for l in removed:
        print(f"- {l}")
    for l in added:
        print(f"+ {l}")
    new_major = base_major is not None and major > base_major

    if mode == "check":
        if removed and not new_major:
            print(f"INCOMPATIBLE ABI CHANGE against the baseline for librtcpc.so.{base_major} "
                  f"(lines marked '-' are gone or changed).\n"
                  f"If it is deliberate: bump the MAJOR version in Cargo.toml (the SONAME follows), "
                  f"then run c_examples/packaging/abi/update.sh. If you reviewed it and it is "
                  f"compatible (e.g. a field appended to a struct only rtcpc allocates), run "
                  f"update.sh --reviewed. See c_examples/packaging/abi/README.md.")
            return 1
        if removed or added:
            kind = "an incompatible change with MAJOR bumped" if removed else "compatible additions"
            print(f"The ABI differs from the baseline ({kind}): record it with "
                  f"c_examples/packaging/abi/update.sh and commit the baseline.")
            return 1
        print(f"ABI matches the baseline: librtcpc.so.{major}, {len(symbols)} symbols, "
              f"{len(declarations)} declarations")
        return 0

    if removed and not new_major and not reviewed:
        print(f"Refusing to record an incompatible change for librtcpc.so.{base_major}: bump MAJOR "
              f"in Cargo.toml first, or pass --reviewed if you checked that it is compatible.")
        return 1
    SYMBOLS.write_text(title + "\n" + "".join(s + "\n" for s in symbols))
    DECLARATIONS.write_text(title + "\n" + "".join(d + "\n" for d in declarations))
    print(f"Recorded the baseline: {len(symbols)} symbols, {len(declarations)} declarations ({title[2:]})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
