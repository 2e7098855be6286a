import re

import pytest
from django import forms

from certify.widgets import PlainSelect

CHOICES = [("", "All"), ("draft", "Draft"), ("b&c", "B <and> C")]


def tags_only(html):
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize("value", ["", "draft", "b&c", "unknown"])
def test_a_plain_select_writes_what_djangos_select_writes(value):
    class Django(forms.Form):
        field = forms.ChoiceField(choices=CHOICES, required=False, widget=forms.Select(attrs={"class": "form-select"}))

    class Plain(forms.Form):
        field = forms.ChoiceField(choices=CHOICES, required=False, widget=PlainSelect(attrs={"class": "form-select"}))

    assert tags_only(Plain({"field": value})["field"]) == tags_only(Django({"field": value})["field"])

