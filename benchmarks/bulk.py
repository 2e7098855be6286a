"""Rows written in bulk: ids assigned before insert, inserts in batches."""

from dataclasses import dataclass, field

from django.db.models import Max

BATCH = 5000


@dataclass
class Ids:
    """The next free id per model, so rows can point at each other before
    they are inserted."""

    next: dict = field(default_factory=dict)

    def take(self, model, count=1):
        start = self.next.get(model)
        if start is None:
            start = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        self.next[model] = start + count
        return start


def bulk_insert(model, rows):
    """Insert `rows` in batches the database takes in one statement each."""
    for start in range(0, len(rows), BATCH):
        model.objects.bulk_create(rows[start : start + BATCH], batch_size=BATCH)
