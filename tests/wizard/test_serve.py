"""manage.py serve (make run) starts beat as its own process, as production runs it."""

from django.core.management import call_command

from wizard.management.commands import serve


class FakeProcess:
    started: list[list[str]] = []

    def __init__(self, args):
        self.args, self.pid = args, 1000 + len(FakeProcess.started)
        FakeProcess.started.append(args)

    def poll(self):
        return 0


def test_it_runs_beat_apart_from_the_worker(monkeypatch):
    FakeProcess.started = []
    monkeypatch.delenv("RUN_MAIN", raising=False)
    monkeypatch.setattr(serve.subprocess, "Popen", FakeProcess)
    monkeypatch.setattr(serve, "call_command", lambda *args, **kwargs: None)
    call_command("serve")
    worker, beat = FakeProcess.started
    assert "worker" in worker and "--beat" not in worker and "-B" not in worker
    assert beat[beat.index("config") + 1] == "beat"
