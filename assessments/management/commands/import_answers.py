from pathlib import Path

from django.core.management.base import BaseCommand

from assessments.imports import FileRejected, import_answers_file
from assessments.management.common import (
    add_limit_arguments,
    file_rejected,
    limits_of,
    open_input,
)


class Command(BaseCommand):
    help = (
        "Import submitted responses into an organisation's assessment (created when "
        "missing) from a raw-answers CSV, or from a CSV/XLSX with one row per respondent "
        "(a survey tool's export: Microsoft Forms, LimeSurvey, …). All or nothing: any "
        "bad row imports nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--organisation", required=True)
        parser.add_argument("--type", required=True)
        parser.add_argument("--assessment", required=True)
        parser.add_argument("--model")
        parser.add_argument("--close", action="store_true")
        parser.add_argument(
            "--create-departments",
            action="store_true",
            help="add departments an existing organisation does not have yet (else errors)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="show how each column was understood and what would be imported; import nothing",
        )
        add_limit_arguments(parser)

    def handle(self, *args, **options):
        path = Path(options["file"])
        with open_input(path) as file:
            try:
                outcome = import_answers_file(
                    data=file,
                    name=path.name,
                    organisation=options["organisation"],
                    type=options["type"],
                    assessment=options["assessment"],
                    model=options["model"],
                    close=options["close"],
                    create_departments=options["create_departments"],
                    dry_run=options["dry_run"],
                    limits=limits_of(options),
                )
            except FileRejected as rejected:
                if rejected.columns:
                    self._columns(rejected.columns, self.stderr)
                raise file_rejected(self, rejected, path.name) from None
        details = outcome.details
        if details["columns"]:
            self._columns(details["columns"], self.stdout)
        if details["new_departments"]:
            self.stdout.write("new departments: " + ", ".join(details["new_departments"]))
        if details["skipped_rows"]:
            self.stdout.write(f"skipped {details['skipped_rows']} rows without any answer")
        if details["not_asked"]:
            self.stdout.write(
                f"left out {details['not_asked']} answers to questions the respondent's layer "
                "is not asked"
            )
        if details.get("dry_run"):
            self.stdout.write(
                f"dry run: would import {outcome.created} respondents, "
                f"{details['answers']} answers; nothing imported"
            )
            return
        self.stdout.write(f"imported {outcome.created} respondents, {details['answers']} answers")
        self.stdout.write(f"assessment={details['assessment'].pk}")

    def _columns(self, columns, out):
        """How each column of a wide file was understood, one line each."""
        for column in columns:
            target = column.target or "NOT UNDERSTOOD"
            how = f" (by {column.source})" if column.source else ""
            out.write(f"column {column.index + 1} {column.header[:70]!r} -> {target}{how}")
