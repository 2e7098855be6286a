import io
import json

import pytest
from django.core.management import call_command

from scoring.models import Item

from .test_engine import CONTRACT_EXAMPLE


def run_score(capsys, monkeypatch, payload, path=None):
    """Run `score`; return (exit code, stdout, stderr)."""
    if path is None:
        monkeypatch.setattr("sys.stdin", io.StringIO(payload if isinstance(payload, str) else json.dumps(payload)))
    code = 0
    try:
        call_command("score", path or "-")
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_an_inline_scheme_is_rated_to_json(capsys, monkeypatch):
    code, out, _err = run_score(capsys, monkeypatch, CONTRACT_EXAMPLE)
    assert code == 0
    assert json.loads(out)["level"] == "star10"


def test_a_file_path_is_read(capsys, monkeypatch, tmp_path):
    path = tmp_path / "input.json"
    path.write_text(json.dumps(CONTRACT_EXAMPLE), encoding="utf-8")
    code, out, _err = run_score(capsys, monkeypatch, None, path=str(path))
    assert (code, json.loads(out)["score"]) == (0, "97.22")


@pytest.mark.django_db
def test_the_shipped_scheme_is_used_by_its_code(capsys, monkeypatch):
    marks = {code: {"result": "conforming"} for code in Item.objects.filter(indicator__category__version__scheme__code="GBT27922-2011").values_list("code", flat=True)}
    marks["C2.1"] = {"result": "nonconforming"}
    code, out, _err = run_score(capsys, monkeypatch, {"scheme": "GBT27922-2011", "version": 1, "marks": marks})
    assert code == 0
    assert json.loads(out)["score"] == "87.00"


@pytest.mark.django_db
def test_an_unknown_version_is_one_line_on_stderr_and_exit_2(capsys, monkeypatch):
    code, out, err = run_score(capsys, monkeypatch, {"scheme": "GBT27922-2011", "version": 9, "marks": {}})
    assert (code, out) == (2, "")
    assert err.strip() == "score: no published version 9 of scheme GBT27922-2011"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "must be a JSON object"),
        ({"marks": {}}, "missing 'scheme'"),
        ({**CONTRACT_EXAMPLE, "special_bonus": 2}, "above this scheme's maximum"),
        ({**CONTRACT_EXAMPLE, "marks": {**CONTRACT_EXAMPLE["marks"], "Z1": {"result": "conforming"}}}, "unknown item Z1"),
        ({**CONTRACT_EXAMPLE, "marks": {**CONTRACT_EXAMPLE["marks"], "B2.1": {"result": "sampled", "samples": 20, "conforming": 2.5}}}, "conforming must be a whole number"),
    ],
)
def test_invalid_input_is_one_line_on_stderr_and_exit_2(capsys, monkeypatch, payload, message):
    code, out, err = run_score(capsys, monkeypatch, payload)
    assert code == 2
    assert out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_a_missing_file_is_refused_without_a_traceback(capsys, monkeypatch):
    code, _out, err = run_score(capsys, monkeypatch, None, path="/nonexistent/input.json")
    assert code == 2
    assert "No such file" in err
