"""import_answers of 10,000 respondents: wall time and peak memory of the command.

import_10k_seconds   seconds for `manage.py import_answers` of the whole file
import_10k_peak_mib  the command's peak resident memory (MiB)

The file is the raw-answers CSV of spec/interfaces.md: every respondent answers the
questions of the shipped model that their layer is asked, 5% "weet ik niet".
"""

import csv
import os
import random
import resource
import subprocess
import sys
import tempfile
import time

from common import ROOT, report, setup_django

RESPONDENTS = 10_000


def write_file(path):
    from assessments.models import ModelVersion

    version = ModelVersion.objects.get(code="DGW-2026.1")
    questions = list(version.questions.order_by("factor__track__order", "factor__order", "order"))
    layers = ["bestuur", "directie", "management", "beleid", "specialist", "uitvoering"]
    rng = random.Random(42)
    rows = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["respondent", "layer", "department", "question", "current", "desired", "comment"]
        )
        for n in range(RESPONDENTS):
            layer = layers[n % len(layers)]
            department = f"Afdeling {n % 7}" if n % 10 else ""
            for question in questions:
                if layer not in question.layers:
                    continue

                def score():
                    return "" if rng.random() < 0.05 else str(rng.randint(0, 5))

                writer.writerow([f"r{n}", layer, department, question.code, score(), score(), ""])
                rows += 1
    return rows


def main():
    setup_django()
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "answers-10k.csv")
        rows = write_file(path)
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="datagedreven.settings")
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "import_answers",
                path,
                "--organisation",
                "Bench importgemeente",
                "--type",
                "gemeente",
                "--assessment",
                "Import 10k",
            ],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    report("import_10k_rows", rows, "count")
    report("import_10k_seconds", seconds, "s")
    report("import_10k_peak_mib", peak_kib / 1024, "MiB")


if __name__ == "__main__":
    main()
