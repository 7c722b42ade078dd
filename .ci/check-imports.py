#!/usr/bin/env python3
"""Fails when a target imports a module it does not declare in Package.swift.

SwiftPM builds a target that imports a module it reaches only through another target's
dependencies, so Package.swift can drift from the real graph. (`swift build
--explicit-target-dependency-import-check error` does not catch this on Linux: tried, it builds
a target that imports an undeclared sibling.) Modules of the toolchain are always allowed.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
TOOLCHAIN = {
    "Foundation", "FoundationEssentials", "FoundationNetworking", "Glibc", "Darwin", "Dispatch",
    "Testing", "XCTest", "Synchronization", "_Concurrency", "Swift", "os",
}

# C modules a declared product is built from but does not offer as a product of its own: SQLiteNIO's
# SQLite (`SQLiteReader` calls it directly for the reads SQLite-NIO makes costly).
CARRIED = {"SQLiteNIO": {"VaporCSQLite"}}


def targets(package: str):
    """(name, directory, declared modules) for every target of the manifest."""
    for m in re.finditer(r"\.(target|executableTarget|testTarget)\(\s*name:\s*\"([^\"]+)\"", package):
        kind, name = m.group(1), m.group(2)
        # The target's arguments run to the next target (or the end of the list).
        rest = package[m.end():]
        following = re.search(r"\.(target|executableTarget|testTarget)\(", rest)
        body = rest[: following.start()] if following else rest
        deps = set()
        d = re.search(r"dependencies:\s*\[(.*?)\]\s*,\s*\n\s*(path|exclude|resources|swiftSettings)", body, re.S)
        if d:
            deps |= set(re.findall(r"\.product\(name:\s*\"([^\"]+)\"", d.group(1)))
            deps |= set(re.findall(r"(?<![:\w])\"([A-Za-z_][A-Za-z0-9_]*)\"", re.sub(r"\.product\([^)]*\)", "", d.group(1))))
        p = re.search(r"path:\s*\"([^\"]+)\"", body)
        directory = p.group(1) if p else ("Tests/" if kind == "testTarget" else "Sources/") + name
        yield name, ROOT / directory, deps


IMPORT = re.compile(r"^\s*(?:@\w+\s+)*(?:public |internal |package |private |fileprivate )?import\s+(?:(?:struct|class|enum|func|protocol|typealias|var|let)\s+)?([A-Za-z_][A-Za-z0-9_]*)", re.M)


def main() -> int:
    package = (ROOT / "Package.swift").read_text()
    problems = []
    for name, directory, deps in targets(package):
        allowed = deps | TOOLCHAIN | {name} | {c for d in deps for c in CARRIED.get(d, ())}
        for source in sorted(directory.rglob("*.swift")):
            for module in IMPORT.findall(source.read_text()):
                if module not in allowed:
                    problems.append(f"{source.relative_to(ROOT)}: imports {module}, which target {name} does not declare")
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} undeclared imports: add them to the target's dependencies in Package.swift")
        return 1
    print("every import is declared in Package.swift")
    return 0


if __name__ == "__main__":
    sys.exit(main())
