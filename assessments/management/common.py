"""What the management commands share: finding an assessment, reporting a bad file."""

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


def read_file(path):
    """The bytes of the file to import, or a CommandError that says why not."""
    try:
        return path.read_bytes()
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error}") from error


def file_rejected(command, rejected, name):
    """Print every bad line of a rejected import; the CommandError (exit code 1) to raise."""
    for line, reason in rejected.errors:
        command.stderr.write(describe(line, reason))
    return CommandError(
        f"nothing imported: {len(rejected.errors)} error(s) in {name}", returncode=1
    )
