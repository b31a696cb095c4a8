from django.core.management.base import BaseCommand, CommandError

from assessments.management.common import assessment_or_error, write_output
from assessments.results import assessment_results, department_names
from assessments.results_export import FORMATS, results_file


class Command(BaseCommand):
    help = (
        "Write an assessment's results as JSON (spec/interfaces.md), CSV or XLSX; "
        "to stdout when no --output is given. Hidden groups carry only their counts."
    )

    def add_arguments(self, parser):
        parser.add_argument("assessment_id", type=int)
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("--output", help="file to write (default: stdout)")
        parser.add_argument("--department", help="only this department's results")

    def handle(self, *args, assessment_id, format, output=None, department=None, **options):
        assessment = assessment_or_error(assessment_id)
        if department and department not in department_names(assessment):
            raise CommandError(f"no respondent named the department {department!r}")
        results = assessment_results(assessment, department=department)
        if department and not results.scores_shown:
            raise CommandError(
                f"the department {department!r} is not shown: it has fewer than "
                f"{assessment.min_group_size} respondents in shown groups, or showing it would "
                "give a smaller group's answers away (spec/scoring.md, Privacy)"
            )
        _name, _mimetype, content = results_file(results, format)
        if output:
            write_output(output, content)
        elif format == "xlsx":
            binary = getattr(self.stdout._out, "buffer", None)
            if binary is None:
                raise CommandError("xlsx is binary: give --output FILE")
            binary.write(content)
            binary.flush()
        else:
            # The CSV's byte-order mark is for Excel opening a file, not for a terminal.
            text = content.decode("utf-8-sig")
            self.stdout.write(text, ending="" if text.endswith("\n") else "\n")
