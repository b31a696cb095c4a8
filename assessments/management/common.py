"""What the management commands share: finding an assessment, reporting a bad file."""

from pathlib import Path

from django.core.management.base import CommandError

from assessments.imports import describe
from assessments.models import Assessment


def assessment_or_error(assessment_id):
    """The assessment with its organisation and model version, or a CommandError."""
    assessment = (
        Assessment.objects.select_related("organisation", "model_version")
        .filter(pk=assessment_id)
        .first()
    )
    if assessment is None:
        raise CommandError(f"assessment {assessment_id} not found")
    return assessment


def open_input(path):
    """The file to import, opened for streamed reading (imports read it within the
    limits of tabular.py), or a one-line CommandError that says why not."""
    try:
        return path.open("rb")
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror or error}") from None


def write_output(path, content):
    """Write bytes or text to --output, or a one-line CommandError (no traceback) when
    the file cannot be written: a missing folder, no permission, a directory."""
    try:
        if isinstance(content, str):
            Path(path).write_text(content, encoding="utf-8", newline="")
        else:
            Path(path).write_bytes(content)
    except OSError as error:
        raise CommandError(f"cannot write {path}: {error.strerror or error}") from None


def add_limit_arguments(parser):
    parser.add_argument(
        "--max-rows",
        type=int,
        help="refuse a file with more data rows than this (default: IMPORT_MAX_ROWS, 50,000)",
    )
    parser.add_argument(
        "--max-mb",
        type=int,
        help="refuse a file larger than this uncompressed (default: IMPORT_MAX_MB, 16)",
    )


def limits_of(options):
    """The tabular.Limits of a command's --max-rows and --max-mb."""
    from assessments.tabular import Limits

    max_mb = options.get("max_mb")
    return Limits(max_rows=options.get("max_rows"), max_bytes=max_mb and max_mb * 1024 * 1024)


def file_rejected(command, rejected, name):
    """Print every bad line of a rejected import; the CommandError (exit code 1) to raise."""
    for line, reason in rejected.errors:
        command.stderr.write(describe(line, reason))
    return CommandError(
        f"nothing imported: {len(rejected.errors)} error(s) in {name}", returncode=1
    )
