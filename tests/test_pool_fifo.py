"""A named pipe as a pool: read when something writes to it, never a hang when nothing does."""

from __future__ import annotations

import os
import threading
import time

from asnatlas import samples
from asnatlas.cli import main
from asnatlas.pool import source


def test_a_silent_named_pipe_is_a_one_line_error_not_a_hang(tmp_path, monkeypatch, capsys):
    fifo = tmp_path / "jw90101_pool.csv"
    os.mkfifo(fifo)
    monkeypatch.setattr(source, "FIFO_WAIT", 0.3)
    start = time.monotonic()
    assert main(["generate", str(fifo), "--dry-run"]) == 2
    assert time.monotonic() - start < 10
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "named pipe that nothing wrote to" in err[0]


def test_a_named_pipe_with_a_writer_is_read_like_the_file(tmp_path, capsys):
    fifo = tmp_path / "jw90101_pool.csv"
    os.mkfifo(fifo)
    text = samples.path("imaging").read_bytes()

    def write() -> None:
        time.sleep(0.2)  # the reader opens first, as with `asnatlas generate <(command)`
        with open(fifo, "wb") as pipe:
            pipe.write(text)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        assert main(["generate", str(fifo), "--dry-run"]) == 0
    finally:
        writer.join(timeout=30)
    from_fifo = capsys.readouterr().out
    assert main(["generate", str(samples.path("imaging")), "--dry-run"]) == 0
    from_file = capsys.readouterr().out

    def names(out: str) -> list[str]:
        return sorted(w for w in out.split() if w.endswith("_asn.json"))

    assert names(from_fifo) and names(from_fifo) == names(from_file)


def test_build_reads_a_named_pipe_pool(tmp_path, capsys):
    fifo = tmp_path / "jw90101_pool.csv"
    os.mkfifo(fifo)
    text = samples.path("imaging").read_bytes()

    def write() -> None:
        with open(fifo, "wb") as pipe:
            pipe.write(text)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        assert main(["build", str(fifo), "-o", str(tmp_path / "site"), "-q", "-j", "1"]) == 0
    finally:
        writer.join(timeout=60)
    assert "18 associations" in capsys.readouterr().out
