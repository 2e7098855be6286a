"""The scoring app's public write API: scheme versions and score sheets."""

from scoring.services.scheme import (
    SCHEME_PROBLEMS,
    scheme_node_delete,
    scheme_node_save,
    scheme_problem,
    scheme_version_clone,
    scheme_version_publish,
    scheme_version_retire,
    scheme_version_set_normative,
    scheme_version_settings_update,
)
from scoring.services.sheet import (
    mark_clear,
    mark_evidence_add,
    mark_set,
    metric_remove,
    metric_set,
    score_sheet_correct,
    score_sheet_create,
    score_sheet_submit,
    special_bonus_set,
    special_deduction_add,
    special_deduction_remove,
)

__all__ = [
    "SCHEME_PROBLEMS",
    "mark_clear",
    "mark_evidence_add",
    "mark_set",
    "metric_remove",
    "metric_set",
    "scheme_node_delete",
    "scheme_node_save",
    "scheme_problem",
    "scheme_version_clone",
    "scheme_version_publish",
    "scheme_version_retire",
    "scheme_version_set_normative",
    "scheme_version_settings_update",
    "score_sheet_correct",
    "score_sheet_create",
    "score_sheet_submit",
    "special_bonus_set",
    "special_deduction_add",
    "special_deduction_remove",
]
