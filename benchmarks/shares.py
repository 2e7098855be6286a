"""What the scale data holds and in what shares: the names it draws from,
how the cases of ten years are spread over the states, and the final
certificate statuses."""

from applications.models import Case
from certificates.models import Certificate

CITIES = ["福州", "厦门", "广州", "深圳", "上海", "杭州", "南京", "成都", "武汉", "西安", "青岛", "长沙"]
TRADES = ["家电服务", "净水设备", "空调安装", "厨卫电器", "电梯维保", "汽车售后", "通信设备", "家具服务"]
REGIONS = ["350100", "350200", "440100", "440300", "310115", "330100", "320100", "510100", "420100", "610100"]

# How the cases of ten years are spread over the states (weights).
CASE_STATES = [
    (Case.Status.DRAFT, 4),
    (Case.Status.SUBMITTED, 2),
    (Case.Status.UNDER_REVIEW, 2),
    (Case.Status.SUPPLEMENT_REQUESTED, 2),
    (Case.Status.REJECTED, 2),
    (Case.Status.ACCEPTED, 1),
    (Case.Status.CONTRACT_SENT, 1),
    (Case.Status.CONTRACT_ACCEPTED, 1),
    (Case.Status.CONTRACT_SIGNED, 1),
    (Case.Status.DOCUMENT_REVIEW, 2),
    (Case.Status.DOCUMENT_REVISION, 1),
    (Case.Status.ONSITE_PLANNED, 2),
    (Case.Status.ONSITE_IN_PROGRESS, 1),
    (Case.Status.RECTIFICATION, 3),
    (Case.Status.DECISION_PENDING, 2),
    (Case.Status.CERTIFIED, 60),
    (Case.Status.NOT_CERTIFIED, 3),
    (Case.Status.WITHDRAWN, 3),
]
# The moves that led to each state, for the case's events.
CASE_PATH = [state for state, _weight in CASE_STATES if state not in {
    Case.Status.REJECTED, Case.Status.NOT_CERTIFIED, Case.Status.WITHDRAWN, Case.Status.SUPPLEMENT_REQUESTED,
    Case.Status.DOCUMENT_REVISION,
}]
REACHED_DOCUMENT_REVIEW = set(CASE_PATH[CASE_PATH.index(Case.Status.DOCUMENT_REVIEW):]) | {
    Case.Status.DOCUMENT_REVISION, Case.Status.NOT_CERTIFIED,
}
REACHED_ONSITE = set(CASE_PATH[CASE_PATH.index(Case.Status.ONSITE_PLANNED):]) | {Case.Status.NOT_CERTIFIED}
DECIDED = {Case.Status.CERTIFIED, Case.Status.NOT_CERTIFIED}

FINAL_CERTIFICATE_STATES = [
    (Certificate.Status.ACTIVE, 55),
    (Certificate.Status.SUSPENDED, 5),
    (Certificate.Status.WITHDRAWN, 5),
    (Certificate.Status.CANCELLED, 5),
    (Certificate.Status.EXPIRED, 30),
]
