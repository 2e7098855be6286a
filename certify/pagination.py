"""A page of a long list without counting the whole list.

Django's paginator counts every row to number its pages; on a list that
grows with the body's history (every certificate ever issued) that count
is most of the page's cost. A window reads one row more than it shows to
know whether a next page exists."""

from django.db.models import Q


def rows_after(queryset, key, fields):
    """The rows in the order `-fields[0], -fields[1]`, after `key` when one
    is given: a cursor names the last row a page showed, so the next page
    starts after it however many rows came since."""
    first, second = fields
    if key is not None:
        queryset = queryset.filter(Q(**{f"{first}__lt": key[0]}) | Q(**{first: key[0], f"{second}__lt": key[1]}))
    return queryset.order_by(f"-{first}", f"-{second}")


class Window:
    def __init__(self, queryset, number, per_page=25):
        self.number = int(number) if str(number or "").isdigit() and int(number) > 0 else 1
        start = (self.number - 1) * per_page
        rows = list(queryset[start : start + per_page + 1])
        self.object_list = rows[:per_page]
        self.has_next = len(rows) > per_page
        self.has_previous = self.number > 1
        self.has_other_pages = self.has_next or self.has_previous
        # A page number beyond the last page (an old link, a typed URL).
        self.past_end = self.number > 1 and not self.object_list
        self.next_page_number = self.number + 1
        self.previous_page_number = self.number - 1

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)


class RowsByKey:
    """Rows chosen by a query of their keys (dicts with an "id"), sliced like
    a queryset: a page's keys can come from an index alone, and then only
    the page's rows are read."""

    def __init__(self, keys, rows):
        self.keys = keys
        self.rows = rows

    def __getitem__(self, window):
        chosen = [key["id"] for key in self.keys[window]]
        found = self.rows.in_bulk(chosen)
        # A row can leave `rows` between the two reads (a certificate
        # suspended meanwhile): the page shows one row fewer.
        return [found[pk] for pk in chosen if pk in found]
