"""Unified social credit code (统一社会信用代码, GB 32100-2015).

Eighteen characters: registration authority, organisation type, a six-digit
region code (GB/T 2260), the nine-character organisation code (GB 11714) and
a check character over the first seventeen (GB/T 17710 style, modulus 31).
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [pow(3, i, 31) for i in range(17)]

# Registration authorities and the organisation types each one issues.
KNOWN_TYPES = {
    "1": "1239",
    "5": "1239",
    "9": "1239",
    "Y": "1",
}

ORGANISATION_CODE_CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ORGANISATION_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def normalise_uscc(value: str) -> str:
    """Strip spaces, turn full-width characters half-width, upper-case."""
    folded = unicodedata.normalize("NFKC", value or "")
    return "".join(folded.split()).upper()


def uscc_check_char(first17: str) -> str:
    total = sum(CHARSET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def organisation_code_check_char(first8: str) -> str:
    total = sum(
        ORGANISATION_CODE_CHARSET.index(char) * weight
        for char, weight in zip(first8, ORGANISATION_CODE_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def validate_uscc(value: str, *, allow_bad_checksum: bool = False) -> str:
    """Return the normalised code or raise ValidationError naming the problem.

    `allow_bad_checksum` is the manager's override for legacy pilot codes that
    were issued before the checksum rule was enforced (DOMAIN 6.4.4); every
    other rule still applies.
    """
    code = normalise_uscc(value)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(count)d.")
            % {"count": len(code)},
            code="length",
        )
    for position, char in enumerate(code, start=1):
        if char not in CHARSET:
            raise ValidationError(
                _(
                    "Character %(position)d (“%(char)s”) is not allowed: a unified social "
                    "credit code uses digits and upper-case letters except I, O, Z, S and V."
                )
                % {"position": position, "char": char},
                code="charset",
            )
    region = code[2:8]
    if not region.isdigit():
        raise ValidationError(
            _("Characters 3 to 8 are the region code and must be digits; here they are “%(region)s”.")
            % {"region": region},
            code="region",
        )
    expected = uscc_check_char(code[:17])
    if code[17] != expected and not allow_bad_checksum:
        raise ValidationError(
            _(
                "The check character (the 18th) should be “%(expected)s” but is “%(actual)s”: "
                "please check the code for a typing error."
            )
            % {"expected": expected, "actual": code[17]},
            code="checksum",
        )
    return code


def uscc_warnings(code: str) -> list[str]:
    """Doubts that do not block a code (DOMAIN 6.4.3): shown, not enforced."""
    warnings = []
    authority, kind = code[0], code[1]
    if authority not in KNOWN_TYPES or kind not in KNOWN_TYPES[authority]:
        warnings.append(
            _("The registration authority and type (“%(prefix)s”) are not common ones; please check them.")
            % {"prefix": code[:2]}
        )
    if organisation_code_check_char(code[8:16]) != code[16]:
        warnings.append(_("The organisation code inside (characters 9 to 17) fails its own check."))
    return warnings
