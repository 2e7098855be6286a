"""Writes of the applications app, one module per concern."""

from applications.services.organisation import organisation_create
from applications.services.self_assessment import (
    self_assessment_create,
    self_assessment_finish,
    self_assessment_revise,
)

__all__ = [
    "organisation_create",
    "self_assessment_create",
    "self_assessment_finish",
    "self_assessment_revise",
]
