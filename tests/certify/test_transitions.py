"""Every state machine moves through certify.transitions.apply, whose only
source of truth is the model's ALLOWED_TRANSITIONS; docs/ARCHITECTURE.md
draws each table edge for edge."""

import ast
import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings

from applications.models import Case
from audits.models import Audit, Nonconformity
from certificates.models import Certificate, Complaint, Surveillance
from certify import transitions
from certify.exceptions import InvalidTransition
from certify.models import Event
from scoring.models import Scheme, SchemeVersion, ScoreSheet
from tests.certificates.helpers import case_row, certificate_row
from tests.factories import ApplicantFactory, ManagerFactory, OrganisationFactory

MACHINES = [Case, Audit, Nonconformity, SchemeVersion, ScoreSheet, Certificate, Surveillance, Complaint]
ARCHITECTURE = Path(settings.BASE_DIR) / "docs" / "ARCHITECTURE.md"
START = date(2026, 3, 2)


def _row(model):
    """One row of `model`; the tests set its state before each move."""
    manager = ManagerFactory()
    organisation = OrganisationFactory()
    case = case_row(organisation, ApplicantFactory())
    planned = {"planned_start": START, "planned_end": START, "days_computed": 1, "days": 1}
    if model is Case:
        return case
    if model is Audit:
        return Audit.objects.create(case=case, kind=Audit.Kind.ONSITE, **planned)
    if model is Nonconformity:
        audit = Audit.objects.create(case=case, kind=Audit.Kind.ONSITE, **planned)
        return Nonconformity.objects.create(audit=audit, severity="minor", description="记录不全", raised_by=manager)
    if model is SchemeVersion:
        scheme = Scheme.objects.create(code="MOVES", name_zh="测试方案")
        return SchemeVersion.objects.create(scheme=scheme, number=1)
    if model is ScoreSheet:
        return ScoreSheet.objects.create(version=case.version, created_by=manager)
    if model is Certificate:
        return certificate_row(organisation, manager)
    if model is Surveillance:
        return Surveillance.objects.create(certificate=certificate_row(organisation, manager), number=1, due_on=START)
    return Complaint.objects.create(
        reference="TS202600001", kind=Complaint.Kind.COMPLAINT, about=Complaint.About.BODY, description="服务差"
    )


def _states(model):
    return list(model.ALLOWED_TRANSITIONS)


def _put(row, state):
    field = transitions.state_field(type(row))
    type(row).objects.filter(pk=row.pk).update(**{field: state})
    setattr(row, field, state)


def _label(model):
    return model._meta.label


@pytest.mark.parametrize("model", MACHINES, ids=_label)
def test_every_state_of_the_model_has_a_row_in_its_table(model):
    field = model._meta.get_field(transitions.state_field(model))
    assert set(model.ALLOWED_TRANSITIONS) == {value for value, _label in field.choices} | (
        {""} if field.blank else set()
    )


@pytest.mark.parametrize("model", MACHINES, ids=_label)
def test_every_move_the_table_lists_works_and_writes_one_event(db, model):
    row = _row(model)
    for source, targets in model.ALLOWED_TRANSITIONS.items():
        for target in targets:
            _put(row, source)
            events = Event.objects.count()
            assert transitions.apply(row, target, actor=None, verb="test.moved") is True, (source, target)
            row.refresh_from_db()
            assert getattr(row, transitions.state_field(model)) == target
            assert Event.objects.count() == events + 1


@pytest.mark.parametrize("model", MACHINES, ids=_label)
def test_every_move_the_table_does_not_list_is_refused_with_the_models_words(db, model):
    row = _row(model)
    for source, targets in model.ALLOWED_TRANSITIONS.items():
        for target in set(_states(model)) - targets - {source}:
            _put(row, source)
            with pytest.raises(InvalidTransition, match=re.escape(str(transitions.refusal(row, target)))):
                transitions.apply(row, target, actor=None, verb="test.moved")
            row.refresh_from_db()
            assert getattr(row, transitions.state_field(model)) == source


@pytest.mark.parametrize("model", MACHINES, ids=_label)
def test_a_move_to_the_state_the_row_is_in_writes_nothing(db, model):
    row = _row(model)
    for state in _states(model):
        _put(row, state)
        events = Event.objects.count()
        assert transitions.apply(row, state, actor=None, verb="test.moved") is False
        assert Event.objects.count() == events


def test_the_state_is_judged_on_what_is_stored_not_on_a_stale_copy(db):
    case = _row(Case)
    stale = Case.objects.get(pk=case.pk)
    _put(case, Case.Status.WITHDRAWN)
    with pytest.raises(InvalidTransition, match=str(Case.Status.WITHDRAWN.label)):
        transitions.apply(stale, Case.Status.ACCEPTED, actor=None, verb="test.moved")


def _diagram_edges(label):
    text = ARCHITECTURE.read_text(encoding="utf-8")
    block = re.search(r"```mermaid\nstateDiagram-v2\n    %% " + re.escape(label) + r"\n(.*?)```", text, re.S)
    assert block, f"docs/ARCHITECTURE.md has no diagram for {label}"
    edges = set()
    for line in block.group(1).splitlines():
        source, target = (part.strip() for part in line.split("-->"))
        edges.add(("" if source == "[*]" else source, target))
    return edges


@pytest.mark.parametrize("model", MACHINES, ids=_label)
def test_the_architecture_diagram_draws_the_table_edge_for_edge(model):
    table = {(source, target) for source, targets in model.ALLOWED_TRANSITIONS.items() for target in targets}
    assert _diagram_edges(_label(model)) == table


STATE_FIELDS = {"status", "outcome"}
# Not lifecycle states: an uploaded customer list's reading progress.
NOT_A_MACHINE = {"audits/services/customer_lists.py"}


def test_nothing_but_the_transitions_module_assigns_a_state_field():
    root = Path(settings.BASE_DIR)
    offenders = []
    for app in ("applications", "audits", "certificates", "scoring"):
        for path in (root / app).rglob("*.py"):
            relative = path.relative_to(root).as_posix()
            if "/migrations/" in relative or relative in NOT_A_MACHINE:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                targets = node.targets if isinstance(node, ast.Assign) else []
                offenders += [
                    f"{relative}:{node.lineno}"
                    for target in targets
                    if isinstance(target, ast.Attribute) and target.attr in STATE_FIELDS
                ]
    assert offenders == []
