"""Mail through the outbox (issue 14), on PostgreSQL:

mail_queue_seconds_3000  request time of "Uitnodigingen mailen" for 3,000 invitees: rows
                         queued and the worker woken, nothing sent (best of 3; bar < 2 s)
mail_sent_per_s          mails per second that two `db_worker` processes side by side
                         hand to a local SMTP sink (a minimal asyncio SMTP server below),
                         from the first claim to the last mail; every invitee must get
                         exactly one mail

The SMTP sink accepts everything and keeps a count per recipient.
"""

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter

from common import ROOT, make_assessment, report, setup_django
from survey_client import personal_invitations

INVITEES = 3000
WORKERS = 2


class SmtpSink:
    """A minimal SMTP server on a free local port, in a thread: accepts every mail."""

    def __init__(self):
        self.received = Counter()
        self.port = _free_port()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        started = threading.Event()
        self.thread.start()
        self.loop.call_soon_threadsafe(started.set)
        started.wait(5)
        return self

    def __exit__(self, *exc):
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)

    def _run(self):
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(
            asyncio.start_server(self._session, "127.0.0.1", self.port)
        )
        self.loop.run_forever()
        server.close()

    async def _session(self, reader, writer):
        def say(line):
            writer.write(line.encode() + b"\r\n")

        say("220 sink ESMTP")
        recipients = []
        while True:
            line = await reader.readline()
            if not line:
                break
            command = line.decode("latin-1").strip().upper()
            if command.startswith(("EHLO", "HELO")):
                say("250 sink")
            elif command.startswith("MAIL FROM"):
                recipients = []
                say("250 OK")
            elif command.startswith("RCPT TO"):
                recipients.append(command.split(":", 1)[1].strip(" <>").lower())
                say("250 OK")
            elif command == "DATA":
                say("354 go ahead")
                await writer.drain()
                while (await reader.readline()) not in (b".\r\n", b""):
                    pass
                self.received.update(recipients)
                say("250 OK queued")
            elif command == "QUIT":
                say("221 bye")
                await writer.drain()
                break
            else:  # RSET, NOOP, anything else
                say("250 OK")
            await writer.drain()
        writer.close()


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def queue_seconds(client, assessment):
    """One click on "Uitnodigingen mailen" for everyone, in seconds (rows removed after)."""
    from django_tasks_db.models import DBTaskResult

    from assessments.models import OutboxMessage

    start = time.perf_counter()
    response = client.post(f"/metingen/{assessment.pk}/uitnodigingen/", {"action": "send"})
    elapsed = time.perf_counter() - start
    assert response.status_code == 302, response.status_code
    assert OutboxMessage.objects.filter(assessment=assessment).count() == INVITEES
    OutboxMessage.objects.all().delete()
    DBTaskResult.objects.all().delete()
    return elapsed


def main():
    url = setup_django()
    from django.contrib.auth import get_user_model
    from django.db.models import Max, Min
    from django.test import Client

    from assessments.models import Membership, OutboxMessage

    assessment = make_assessment("Bench mail", respondents=0, status="open")
    personal_invitations(assessment, INVITEES)
    consultant = get_user_model().objects.create_user(
        "bench-mail", password="x" * 12, is_staff=True
    )
    Membership.objects.create(
        user=consultant, organisation=assessment.organisation, role=Membership.Role.CONSULTANT
    )
    client = Client()
    client.force_login(consultant)
    queue_seconds(client, assessment)  # warm up
    queued = min(queue_seconds(client, assessment) for _ in range(3))
    report("mail_queue_seconds_3000", queued, "s")

    client.post(f"/metingen/{assessment.pk}/uitnodigingen/", {"action": "send"})
    with SmtpSink() as sink:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(sink.port),
            "DEBUG": "true",
        }
        command = [sys.executable, str(ROOT / "manage.py"), "db_worker", "--batch"]
        command += ["--no-reload", "--no-startup-delay", "--verbosity", "0"]
        workers = [subprocess.Popen(command, env=env, cwd=ROOT) for _ in range(WORKERS)]
        for worker in workers:
            assert worker.wait(timeout=600) == 0
    # From the first claim to the last mail marked sent (not the workers' start-up).
    span = OutboxMessage.objects.aggregate(first=Min("claimed_at"), last=Max("sent_at"))
    elapsed = (span["last"] - span["first"]).total_seconds()
    statuses = Counter(OutboxMessage.objects.values_list("status", flat=True))
    assert statuses == {"sent": INVITEES}, statuses
    assert len(sink.received) == INVITEES and set(sink.received.values()) == {1}, (
        "an invitee got no mail or more than one"
    )
    report("mail_sent_per_s", INVITEES / elapsed, "1/s")


if __name__ == "__main__":
    main()
