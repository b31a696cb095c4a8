"""`make run`: the development server and a mail worker side by side, in one command.

Both run as child processes; Ctrl+C (or SIGTERM) stops both, and when one of them ends
the other is stopped too, so nothing is left running in the background."""

import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the development server and a background worker (db_worker) together."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, **options):
        manage = [sys.executable, sys.argv[0]]
        children = [
            subprocess.Popen([*manage, "runserver", options["addrport"]]),
            subprocess.Popen([*manage, "db_worker", "--interval", "1"]),
        ]
        stopping = []

        def stop(signum, frame):
            stopping.append(signum)

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping and all(child.poll() is None for child in children):
                time.sleep(0.2)
        finally:
            for child in children:
                if child.poll() is None:
                    child.terminate()
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()
