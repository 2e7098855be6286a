"""Choice labels at the cost of one dict lookup."""

import functools

from django.utils.encoding import force_str


@functools.cache
def _labels(field):
    # Keys are the stored values; the labels stay lazy, so each call still
    # answers in the active language.
    return dict(field.flatchoices)


class ChoiceLabels:
    """Model mixin (listed before models.Model) for get_FOO_display().

    Django's own rebuilds the choices dict on every call, hashing each lazy
    label and so translating all of them: 40 µs for a field with seventeen
    states, a millisecond on a list of 25 cases. Django binds get_FOO_display
    to the class's _get_FIELD_display when the model is built, which is why
    this is a base class and not a patch.
    """

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        return force_str(_labels(field).get(value, value), strings_only=True)
