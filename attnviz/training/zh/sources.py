"""The Debian packages whose Chinese text `zh-char` is trained on, their licences, and how to fetch them offline."""
from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Source:
    package: str  # a Debian package (fetched with apt-get download; nothing is installed)
    version: str  # the version the shipped weights were trained on
    licence: str  # as its debian/copyright says
    kind: str  # how its text is read: "html", "groff" or "fortune"
    globs: tuple[str, ...]  # the files of the unpacked package that hold the text


SOURCES: tuple[Source, ...] = (
    Source("debian-reference-zh-cn", "2.100", "GPL-2+ (Osamu Aoki and translators)", "html",
           ("usr/share/debian-reference/ch*.zh-cn.html", "usr/share/debian-reference/pr01.zh-cn.html",
            "usr/share/debian-reference/apa.zh-cn.html")),
    Source("debian-faq-zh-cn", "11.1", "verbatim and modified copies permitted (Software in the Public Interest)",
           "html", ("usr/share/doc/debian/FAQ/zh-cn/*.html",)),
    Source("maint-guide-zh-cn", "1.2.53", "GPL-2+ (Josip Rodin, Osamu Aoki and others)", "html",
           ("usr/share/doc/maint-guide-zh-cn/html/*.html",)),
    Source("manpages-zh", "1.6.4.0-1", "GFDL-1.2+ (a few pages GPL-2 / GPL-2+)", "groff",
           ("usr/share/man/zh_CN/man*/*.gz",)),
    Source("fortunes-zh", "2.98", "GPL-3+ (the Tang and Song poems themselves are public domain)", "fortune",
           ("usr/share/games/fortunes/chinese", "usr/share/games/fortunes/tang300",
            "usr/share/games/fortunes/song100")),
)


def fetch(folder: Path, sources: tuple[Source, ...] = SOURCES) -> dict[str, Path]:
    """Download each package's .deb into folder and unpack it there (no root, nothing installed):
    package -> its unpacked tree. Packages already unpacked are kept."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for source in sources:
        tree = folder / source.package
        if not tree.is_dir():
            debs = list(folder.glob(f"{source.package}_*.deb"))
            if not debs:
                subprocess.run(["apt-get", "download", source.package], cwd=folder, check=True)
                debs = list(folder.glob(f"{source.package}_*.deb"))
            subprocess.run(["dpkg-deb", "-x", str(debs[0]), str(tree)], check=True)
        out[source.package] = tree
    return out


def files(tree: Path, source: Source) -> list[Path]:
    """The text files of an unpacked package, in a stable order."""
    return sorted({p for pattern in source.globs for p in tree.glob(pattern) if p.is_file()})
