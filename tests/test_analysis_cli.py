"""The analysis subcommands: JSON only on standard output, exit statuses, every command documented."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from data.workbook import write_workbook
from optimizer.cli import build_parser, main
from tests.test_analysis_model import linear_workbook

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = ["marginal", "frontier", "explain", "locks", "robustness", "batch"]


@pytest.fixture(scope="module")
def workbook_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli") / "linear"
    write_workbook(linear_workbook(locks="candidate_id,option\nC,none\n"), folder)
    return folder


def run(capsys, *argv: str) -> tuple[int, dict | None, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), err


def test_marginal(capsys, workbook_dir):
    code, out, _ = run(capsys, "marginal", str(workbook_dir), "--gap", "0")
    assert code == 0
    fund = next(x for x in out["limits"] if x["name"] == "fund")
    assert fund["step"] == 1 and fund["delta_attainment_down"] == pytest.approx(
        -0.05
    )  # C is locked out: 9 万元 buy nothing
    assert set(fund["delta_expected_up"]) == {"firms"}


def test_frontier_points(capsys, workbook_dir):
    code, out, _ = run(capsys, "frontier", str(workbook_dir), "--points", "4", "--gap", "0")
    assert code == 0
    assert [p["scale"] for p in out["points"]] == [0.0, 0.5, 1.0, 1.5]
    assert out["points"][2]["total_budget"] == 10
    assert out["entitlements"] == "kept" and out["points"][0]["note_en"] == ""
    code, out, _ = run(
        capsys, "frontier", str(workbook_dir), "--points", "2", "--entitlements", "scaled"
    )
    assert code == 0 and out["entitlements"] == "scaled" and set(out["committed"].values()) == {0}
    code, _, err = run(capsys, "frontier", str(workbook_dir), "--scope", "nowhere")
    assert code == 1 and "nowhere" in err


def test_explain_and_locks(capsys, workbook_dir):
    code, out, _ = run(capsys, "explain", str(workbook_dir), "B", "--gap", "0")
    assert code == 0
    assert out["takes"] == 10 and out["funded"] is False
    assert out["sentences"]["zh"] and out["sentences"]["en"]
    code, _, err = run(capsys, "explain", str(workbook_dir), "NOBODY")
    assert code == 1 and "NOBODY" in err
    code, out, _ = run(capsys, "locks", str(workbook_dir), "--gap", "0")
    assert code == 0 and out["locks"][0]["candidate_id"] == "C"


def test_robustness(capsys, workbook_dir):
    code, out, _ = run(capsys, "robustness", str(workbook_dir), "--samples", "3", "--candidates")
    assert code == 0 and out["samples"] == 3 and len(out["candidates"]) == 3


def test_robustness_says_where_the_uncertainty_comes_from(capsys, workbook_dir):
    code, out, _ = run(capsys, "robustness", str(workbook_dir), "--samples", "2")
    assert code == 0 and out["uncertainty"] == "spread"  # no history sheet
    summary = out["summary"]
    assert summary["kept"] + summary["in_doubt"] == pytest.approx(summary["total"], abs=1e-5)
    code, out, err = run(capsys, "robustness", str(workbook_dir), "--uncertainty", "fit")
    assert code == 1 and out is None and "history" in err


def test_bad_workbook_and_usage(capsys, tmp_path):
    code, out, err = run(capsys, "marginal", str(tmp_path / "missing"))
    assert code == 1 and out is None and err
    with pytest.raises(SystemExit) as exc:
        main(["frontier", str(tmp_path), "--points", "0"])
    assert exc.value.code == 2


def test_every_command_is_documented():
    doc = (ROOT / "docs" / "analytics.md").read_text(encoding="utf-8")
    parser = build_parser()
    names = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert sorted(names) == sorted([*COMMANDS, "solve", "calibrate"])
    for name in COMMANDS:
        assert f"python -m optimizer {name}" in doc, name


def test_stdout_is_json_only_in_a_fresh_process(workbook_dir):
    """A new interpreter: the HiGHS banner (printed on its first object) must not reach stdout."""
    proc = subprocess.run(
        [sys.executable, "-m", "optimizer", "marginal", str(workbook_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    json.loads(proc.stdout)
