from applications.models.organisation import Membership, Organisation
from applications.models.self_assessment import SelfAssessment

__all__ = ["Membership", "Organisation", "SelfAssessment"]
