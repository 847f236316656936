"""Writing a file: whole or not at all, never over an input, one line when the folder is wrong."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ktrules.common.errors import KtrulesError
from ktrules.common.writing import refuse_inputs, write_atomically
from tests.conftest import ROOT

# A child that starts writing `old.txt` then hangs half-way, so that the test can signal it mid-write.
_HANGING_WRITER = """
import sys, time
from pathlib import Path
from ktrules.common.writing import write_atomically

def save(target):
    target.write_text("half of the new", encoding="utf-8")
    Path(sys.argv[2]).touch()
    time.sleep(60)

write_atomically(Path(sys.argv[1]), save)
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_mid_write_leaves_the_old_file_and_no_temporary(tmp_path, signum):
    out, started = tmp_path / "old.txt", tmp_path / "started"
    out.write_text("old", encoding="utf-8")
    child = subprocess.Popen([sys.executable, "-c", _HANGING_WRITER, str(out), str(started)], cwd=ROOT,
                             stderr=subprocess.DEVNULL)
    while not started.exists() and child.poll() is None:
        time.sleep(0.05)
    child.send_signal(signum)
    assert child.wait(timeout=30) != 0
    assert out.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.txt", "started"]


def test_a_missing_folder_is_one_line(tmp_path):
    with pytest.raises(KtrulesError) as err:
        write_atomically(tmp_path / "nowhere" / "x.html", lambda target: target.write_text("x"))
    assert "nowhere" in str(err.value) and "\n" not in str(err.value)


def test_a_folder_that_refuses_writing_is_one_line_even_when_cleaning_up_fails(tmp_path, monkeypatch):
    def refused(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "unlink", refused)
    with pytest.raises(KtrulesError) as err:
        write_atomically(tmp_path / "x.html", refused)
    assert "permission denied" in str(err.value)


def test_out_may_not_be_an_input_file_nor_a_file_of_an_input_folder(tmp_path):
    data, rules = tmp_path / "data.yaml", tmp_path / "rules"
    (rules / "vn").mkdir(parents=True)
    data.write_text("x", encoding="utf-8")
    for out in (data, tmp_path / "." / "data.yaml", rules / "vn" / "2024.yaml"):
        with pytest.raises(KtrulesError):
            refuse_inputs(out, [data, rules])
    refuse_inputs(tmp_path / "case.yaml", [data, rules])  # another file is fine
