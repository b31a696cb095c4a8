"""import_answers of 10,000 respondents: wall time and peak memory of the command.

import_10k_seconds   the `import_answers` command, start to end, in its own process
import_10k_peak_mib  that process's peak resident memory
"""

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

    version = ModelVersion.objects.order_by("code").last()
    questions = list(
        version.questions.order_by("factor__track__order", "factor__order", "order").values_list(
            "code", "layers"
        )
    )
    layers = list(version.layers.values_list("code", flat=True))
    rng = random.Random(10_000)
    rows = 0
    with open(path, "w", encoding="utf-8") as out:
        out.write("respondent,layer,department,question,current,desired,comment\n")
        for number in range(RESPONDENTS):
            layer = layers[number % len(layers)]
            department = f"Afdeling {number % 12}"
            for code, asked in questions:
                if asked and layer not in asked:
                    continue
                current = rng.choice(["0", "1", "2", "3", "4", "5", ""])
                desired = rng.choice(["2", "3", "4", "5", ""])
                out.write(f"resp-{number:05d},{layer},{department},{code},{current},{desired},\n")
                rows += 1
    return rows


def main():
    setup_django()
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "answers.csv")
        rows = write_file(path)
        report("import_10k_rows", rows, "count")
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "manage.py"),
                "import_answers",
                path,
                "--organisation",
                "Bench import",
                "--type",
                "gemeente",
                "--assessment",
                "Import 10k",
                "--close",
                # 10,000 respondents in the long shape are ~300,000 rows (~12 MB):
                # beyond the web upload's row limit, which a command may raise.
                "--max-rows",
                str(rows),
                "--max-mb",
                "64",
            ],
            check=True,
            cwd=ROOT,
            env=os.environ,
            stdout=subprocess.DEVNULL,
        )
        seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    report("import_10k_seconds", seconds, "s")
    report("import_10k_peak_mib", peak_kib / 1024, "MiB")


if __name__ == "__main__":
    main()
