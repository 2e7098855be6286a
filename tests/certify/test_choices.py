from django.utils import translation

from applications.models import Case


def test_a_choice_label_follows_the_active_language():
    case = Case(status=Case.Status.CERTIFIED)
    with translation.override("en"):
        english = case.get_status_display()
    with translation.override("zh-hans"):
        chinese = case.get_status_display()
    assert (english, chinese) == ("Certified", "已获证")


def test_a_value_outside_the_choices_is_shown_as_stored():
    assert Case(status="archived").get_status_display() == "archived"
