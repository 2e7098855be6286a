"""Copies of rows that stay complete when a model gains a field."""


def copy_row(row, **changes):
    """An unsaved copy of `row`: every concrete field of its model but the
    primary key and the fields that name a row uniquely by default (a public
    id), with `changes` applied. Copying field by field by hand would leave
    a field added later silently behind."""
    model = type(row)
    values = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or (field.unique and field.has_default()):
            continue
        if field.name in changes or field.attname in changes:
            continue
        values[field.attname] = getattr(row, field.attname)
    return model(**values, **changes)
