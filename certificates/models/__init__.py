"""The certificates app's models, by topic."""

from certificates.models.certificate import (
    Certificate,
    Decision,
    NumberCounter,
    ReasonCode,
    Renewal,
    Surveillance,
)
from certificates.models.complaint import Complaint
from certificates.models.public_page import PublicPage

__all__ = [
    "Certificate",
    "Complaint",
    "Decision",
    "NumberCounter",
    "PublicPage",
    "ReasonCode",
    "Renewal",
    "Surveillance",
]
