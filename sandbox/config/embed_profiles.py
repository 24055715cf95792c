#!/usr/bin/env python3
"""Writes the shipped profiles (profiles/NAME.profile) into a C++ source, so that the binary
carries them wherever it goes: config/builtin_profiles.h."""
import os
import sys


def literal(data: bytes) -> str:
    lines, piece = [], ""
    for b in data:
        c = chr(b)
        if c == "\n":
            piece += "\\n"
            lines.append(piece)
            piece = ""
        elif c in '"\\?':
            piece += "\\" + c
        elif 0x20 <= b < 0x7F:
            piece += c
        else:
            piece += "\\%03o" % b
    if piece:
        lines.append(piece)
    return "\n".join('    "%s"' % l for l in lines) or '    ""'


def main() -> None:
    out, inputs = sys.argv[1], sorted(sys.argv[2:], key=os.path.basename)
    entries = []
    for path in inputs:
        name = os.path.basename(path)[: -len(".profile")]
        with open(path, "rb") as f:
            data = f.read()
        entries.append('  {"%s",\n%s,\n   %d},' % (name, literal(data), len(data)))
    with open(out, "w") as f:
        f.write("// Generated at build time from profiles/*.profile by embed_profiles.py.\n")
        f.write('#include "config/builtin_profiles.h"\n\nnamespace sb::config {\n\n')
        f.write("namespace {\nconstexpr BuiltinProfile kProfiles[] = {\n%s\n};\n}  // namespace\n\n" % "\n".join(entries))
        f.write("std::span<const BuiltinProfile> builtin_profiles() { return kProfiles; }\n\n")
        f.write("}  // namespace sb::config\n")


main()
