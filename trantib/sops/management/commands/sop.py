"""``trantib sop list|validate|render|export-bpmn|export-docx|import|sync`` — the SOP tools for
administrators."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from trantib.engine.errors import Severity
from trantib.engine.library import library_files, load_files
from trantib.engine.spec import SOPSpec

from ... import registry


class Command(BaseCommand):
    help = "Work with the SOP library: list, validate, render, export BPMN, sync to the database."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub.add_parser("list", help="one line per SOP: code, version, name")
        validate = sub.add_parser("validate", help="check SOP files (default: the whole library)")
        validate.add_argument("files", nargs="*", metavar="FILE")
        validate.add_argument(
            "--quiet-warnings", action="store_true", help="do not print layout warnings"
        )
        render = sub.add_parser("render", help="draw the official SOP document")
        render.add_argument("code")
        render.add_argument("--version", dest="sop_version", type=int, default=None)
        render.add_argument("--format", choices=["pdf", "html"], default="pdf")
        render.add_argument(
            "--paper",
            choices=["A4", "F4"],
            default=None,
            help="paper size (default: the SOP's own)",
        )
        render.add_argument(
            "--view",
            choices=["official", "annotated"],
            default="official",
            help="official: the document as signed (default); annotated: the process drawn "
            "over it, marked as not for signing",
        )
        render.add_argument("-o", "--output", required=True, metavar="FILE")
        bpmn = sub.add_parser("export-bpmn", help="write BPMN 2.0 XML")
        bpmn.add_argument("code")
        bpmn.add_argument("--version", dest="sop_version", type=int, default=None)
        bpmn.add_argument("-o", "--output", required=True, metavar="FILE")
        sub.add_parser("sync", help="record the library's versions in the database")
        docx_out = sub.add_parser("export-docx", help="write the SOP document as a Word file")
        docx_out.add_argument("code")
        docx_out.add_argument("--version", dest="sop_version", type=int, default=None)
        docx_out.add_argument("-o", "--output", required=True, metavar="FILE")
        imp = sub.add_parser("import", help="read a Word, PDF or text SOP into a draft SOP file")
        imp.add_argument("file", metavar="FILE")
        imp.add_argument("-o", "--output", default=None, metavar="OUT.yaml")
        imp.add_argument("--code", default="", help="the SOP's code (default: Nama SOP's initials)")
        imp.add_argument("--domain", default="", help="the library folder (pengaduan, patroli …)")
        imp.add_argument("--force", action="store_true", help="overwrite OUT.yaml if it exists")

    def handle(self, *args: Any, **opts: Any) -> None:
        action = opts["action"].replace("-", "_")
        getattr(self, f"do_{action}")(**opts)

    def do_list(self, **opts: Any) -> None:
        lib = registry.reload()
        for spec in sorted(lib.specs, key=lambda s: (s.code, s.version)):
            self.stdout.write(f"{spec.code}\tv{spec.version}\t{spec.name}")
        if lib.errors:
            self.stderr.write(
                f"{len(lib.errors)} problem(s) in the library: run 'trantib sop validate'"
            )

    def do_validate(self, *, files: list[str], quiet_warnings: bool, **opts: Any) -> None:
        paths = (
            [Path(f) for f in files]
            if files
            else [p for root in registry.roots() if root.is_dir() for p in library_files(root)]
        )
        missing = [p for p in paths if not p.is_file()]
        for p in missing:
            self.stderr.write(f"{p}:0: file: no such file")
        lib = load_files([p for p in paths if p.is_file()])
        for problem in lib.problems:
            if problem.severity is Severity.WARNING and quiet_warnings:
                continue
            self.stdout.write(str(problem))
        errors = len(lib.errors) + len(missing)
        self.stdout.write(
            f"{len(paths)} file(s), {len(lib.specs)} valid, {errors} error(s), "
            f"{len(lib.problems) - len(lib.errors)} warning(s)"
        )
        if errors:
            sys.exit(1)

    def _spec(self, code: str, version: int | None) -> SOPSpec:
        lib = registry.reload()
        try:
            return lib.get(code, version)
        except KeyError:
            known = ", ".join(sorted({s.code for s in lib.specs})) or "none"
            raise CommandError(
                f"no SOP '{code}'"
                + (f" version {version}" if version else "")
                + f" in the library (known: {known})"
            ) from None

    def do_render(
        self,
        *,
        code: str,
        sop_version: int | None,
        format: str,
        paper: str | None,
        output: str,
        view: str = "official",
        **opts: Any,
    ) -> None:
        from ...rendering import render_html, render_pdf

        spec = self._spec(code, sop_version)
        out = Path(output)
        if format == "pdf":
            out.write_bytes(render_pdf(spec, paper=paper, view=view))
        else:
            out.write_text(render_html(spec, paper=paper, view=view), encoding="utf-8")
        self.stdout.write(f"{spec.key}: wrote {out} ({out.stat().st_size} bytes)")

    def do_export_bpmn(
        self, *, code: str, sop_version: int | None, output: str, **opts: Any
    ) -> None:
        from ...bpmn import export_bpmn

        spec = self._spec(code, sop_version)
        out = Path(output)
        out.write_text(export_bpmn(spec), encoding="utf-8")
        self.stdout.write(f"{spec.key}: wrote {out}")

    def do_sync(self, **opts: Any) -> None:
        from ...services import LibraryRefused, sop_library_sync

        try:
            result = sop_library_sync()
        except LibraryRefused as exc:
            # One line per problem, nothing recorded: the operator fixes the files and syncs
            # again.
            for line in exc.lines:
                self.stderr.write(line)
            self.stderr.write(
                f"SOP library not recorded: {len(exc.lines)} problem(s); nothing was changed"
            )
            sys.exit(1)
        self.stdout.write(
            f"SOP library: {result.created} new, {result.updated} updated, "
            f"{result.unchanged} unchanged"
        )

    def do_export_docx(
        self, *, code: str, sop_version: int | None, output: str, **opts: Any
    ) -> None:
        from ...importing.docx_export import document_docx

        spec = self._spec(code, sop_version)
        out = Path(output)
        out.write_bytes(document_docx(spec))
        self.stdout.write(f"{spec.key}: wrote {out} ({out.stat().st_size} bytes)")

    def do_import(
        self, *, file: str, output: str | None, code: str, domain: str, force: bool, **opts: Any
    ) -> None:
        from ...importing import ImportRefused
        from ...importing.files import import_to_file

        try:
            done = import_to_file(
                Path(file),
                Path(output) if output else None,
                code=code,
                domain=domain,
                force=force,
            )
        except ImportRefused as exc:
            self.stderr.write(str(exc))
            sys.exit(1)
        review = done.result.review
        self.stdout.write(
            f"{file}: wrote draft {done.path} ({done.result.source_kind}, "
            f"{len(review)} reading(s) to review)"
        )
        for note in review:
            self.stdout.write(f"{done.path}:{note.line}: REVIEW: {note.message}")
