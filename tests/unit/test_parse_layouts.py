"""The parser is organised by layout: no layout module imports another, and a page is read by its own
layout module and the shared core only (other layouts may look at it to say "not mine", nothing more)."""

from __future__ import annotations

import ast
import json
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

import scraper.parse.layouts as registry
from scraper.parse import parse
from scraper.parse.document import Document, Guard
from tests.conftest import OWN_FIXTURES, SHARED_FIXTURES

LAYOUTS_DIR = Path(registry.__file__).resolve().parent
PARSE_DIR = LAYOUTS_DIR.parent
# Which layout module reads the pages of each fixture directory (and of each real saved page, by the
# year its name starts with). A new layout's fixture directory must be named here.
_READER_OF = {"2022": "legacy", "2024": "legacy", "2025": "legacy", "2026": "sdui"}
_NOT_A_LAYOUT = ("pages", "edge")  # page classes and broken documents: no layout recognises them


def _layout_of_file(path: Path) -> str | None:
    """'sdui' for any file of the sdui package, 'legacy' for legacy.py; None outside the layouts."""
    try:
        parts = path.resolve().relative_to(LAYOUTS_DIR).parts
    except ValueError:
        return None
    if parts == ("__init__.py",):
        return None  # the registry
    return parts[0].removesuffix(".py")


def _layout_files() -> list[Path]:
    return sorted(p for p in LAYOUTS_DIR.rglob("*.py") if _layout_of_file(p) is not None)


_SHARED_CORE = ("document", "dom", "text", "fields", "sections")


def _imported_names(path: Path) -> set[str]:
    """Every module a file imports, and every `a.b` of a `from a import b` (b may be a module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name}: relative import"
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _parser_imports(path: Path) -> set[str]:
    """What a file takes from the parser package, as `scraper.parse.<module>[.<name>]`."""
    return {n for n in _imported_names(path) if n.startswith("scraper.parse.")}


def _outside(names: set[str], modules: list[str]) -> list[str]:
    return sorted(n for n in names if not any(n == m or n.startswith(f"{m}.") for m in modules))


def test_the_layouts_are_found() -> None:
    assert {_layout_of_file(p) for p in _layout_files()} == {"legacy", "sdui"}


@pytest.mark.parametrize("path", _layout_files(), ids=lambda p: str(p.relative_to(LAYOUTS_DIR)))
def test_a_layout_module_imports_the_shared_core_and_its_own_layout_only(path: Path) -> None:
    own = f"scraper.parse.layouts.{_layout_of_file(path)}"
    foreign = _outside(_parser_imports(path), [*(f"scraper.parse.{m}" for m in _SHARED_CORE), own])
    assert not foreign, f"{path.relative_to(LAYOUTS_DIR)} imports {foreign}"


@pytest.mark.parametrize("name", _SHARED_CORE)
def test_the_shared_core_imports_no_layout(name: str) -> None:
    """Only the entry points (`parse`, `classify`) reach the layouts, through the registry."""
    core = [f"scraper.parse.{m}" for m in _SHARED_CORE]
    foreign = _outside(_parser_imports(PARSE_DIR / f"{name}.py"), core)
    assert not foreign, f"{name}.py imports {foreign}"


class _LayoutTrace:
    """Which layout modules' functions ran while parsing one page, and which layout claimed it.

    A call into a layout module is part of that layout's recognition when that layout's `recognise` is
    on the stack; every other call is reading."""

    def __init__(self) -> None:
        self.reading: dict[str, set[str]] = {}
        self.claimed: list[str] = []
        self._layout_cache: dict[str, str | None] = {}

    def _layout(self, frame: FrameType) -> str | None:
        filename = frame.f_code.co_filename
        if filename not in self._layout_cache:
            self._layout_cache[filename] = _layout_of_file(Path(filename))
        return self._layout_cache[filename]

    def _recognising(self, frame: FrameType | None, layout: str) -> bool:
        while frame is not None:
            if frame.f_code.co_name == "recognise" and self._layout(frame) == layout:
                return True
            frame = frame.f_back
        return False

    def __call__(self, frame: FrameType, event: str, arg: Any) -> Callable[..., Any] | None:
        layout = self._layout(frame)
        if layout is None or event != "call":
            return None
        if frame.f_code.co_name == "recognise":

            def on_return(frame: FrameType, event: str, arg: Any) -> Callable[..., Any] | None:
                if event == "return" and arg is not None:
                    self.claimed.append(layout)
                return on_return

            return on_return
        if not self._recognising(frame, layout):
            self.reading.setdefault(layout, set()).add(frame.f_code.co_name)
        return None

    def run(self, html: bytes, url: str) -> dict[str, Any]:
        sys.settrace(self)
        try:
            return parse(html, url=url).to_dict()
        finally:
            sys.settrace(None)


def _layout_pages() -> list:
    cases = []
    for html in sorted(OWN_FIXTURES.glob("*/*.html")):
        if html.parent.name in _NOT_A_LAYOUT:
            continue
        expected = json.loads(html.with_suffix(".json").read_text(encoding="utf-8"))
        url = expected.get("url") or str(html)
        cases.append(pytest.param(html, url, html.parent.name, id=f"own/{html.parent.name}/{html.stem}"))
    shared = sorted(SHARED_FIXTURES.glob("*.html"))
    cases += [pytest.param(html, str(html), html.name[:4], id=f"shared/{html.stem}") for html in shared]
    if not shared:
        cases.append(
            pytest.param(
                None,
                "",
                "",
                id="shared",
                marks=pytest.mark.skip(
                    reason=f"{SHARED_FIXTURES} not present: real saved pages not available"
                ),
            )
        )
    return cases


@pytest.mark.parametrize(("html_path", "url", "directory"), _layout_pages())
def test_a_page_is_read_by_its_own_layout_and_the_shared_core_only(
    html_path: Path, url: str, directory: str
) -> None:
    assert directory in _READER_OF, f"fixture directory {directory!r}: name the layout that reads it"
    own = _READER_OF[directory]
    html = html_path.read_bytes()
    trace = _LayoutTrace()
    traced = trace.run(html, url)
    assert trace.claimed == [own], f"claimed by {trace.claimed}"
    assert set(trace.reading) == {own}, f"read by {trace.reading}"
    assert traced == parse(html, url=url).to_dict()  # the trace changed nothing


def test_a_new_layout_is_one_module_registered_in_one_place(monkeypatch: pytest.MonkeyPatch) -> None:
    """A layout put first in the registry claims its pages; every other page reads as before."""

    class Marked:
        generation = "2027"

        def __init__(self, doc: Document) -> None:
            self.doc = doc

        def is_profile(self) -> bool:
            return True

        def is_details(self) -> bool:
            return False

        def read(self, profile: Any, guard: Guard) -> None:
            guard("name", lambda: setattr(profile, "name", self.doc.title))

    def recognise(doc: Document) -> Marked | None:
        return Marked(doc) if doc.soup.find(attrs={"data-layout": "2027"}) is not None else None

    page_2026 = OWN_FIXTURES / "2026" / "main-hidden-copies.html"
    before = parse(page_2026.read_bytes()).to_dict()
    monkeypatch.setattr(registry, "LAYOUTS", (recognise, *registry.LAYOUTS))
    new = parse(b"<html><title>Kim Lee</title><main data-layout='2027'><h1>x</h1></main></html>")
    assert (new.dom_generation, new.name) == ("2027", "Kim Lee")
    assert parse(page_2026.read_bytes()).to_dict() == before
