"""The managers' scheme editor: the one set of pages the scoring app serves
by itself (issue 3 item 2). Every view is for managers; every change goes
through one service of scoring.services, which refuses anything but a draft.

Node forms (categories, indicators, items, levels, gates, the settings) work
inline by htmx: the form is fetched into a slot of the version page and
posted back; a success reloads the page, since one changed number moves the
sums all the way up. Without JavaScript the same URLs serve whole pages.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from certify.events import event_list_for_object
from certify.exceptions import CertifyError
from certify.views.access import manager_required
from scoring import services
from scoring.forms import (
    CategoryForm,
    GateForm,
    IndicatorForm,
    ItemForm,
    LevelForm,
    SettingsForm,
)
from scoring.models import Category, Gate, Indicator, Item, Level, SchemeVersion
from scoring.selectors import (
    PROCESS_SETTINGS,
    scheme_version_get,
    scheme_version_list,
    version_levels,
    version_tree,
)

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class NodeKind:
    """How the editor finds, creates and names one kind of node."""

    model: type
    form: type
    title: str
    # The lookup from the node to its version, and the parent kind (if any).
    version_lookup: str
    parent: str = ""
    parent_field: str = ""
    # Where on the version page a parentless node's section is (#anchor).
    section: str = ""


NODE_KINDS = {
    "category": NodeKind(
        Category, CategoryForm, gettext_lazy("category"), "version", section="tree"
    ),
    "indicator": NodeKind(
        Indicator,
        IndicatorForm,
        gettext_lazy("indicator"),
        "category__version",
        parent="category",
        parent_field="category",
    ),
    "item": NodeKind(
        Item,
        ItemForm,
        gettext_lazy("item"),
        "indicator__category__version",
        parent="indicator",
        parent_field="indicator",
    ),
    "level": NodeKind(Level, LevelForm, gettext_lazy("level"), "version", section="levels"),
    "gate": NodeKind(
        Gate,
        GateForm,
        gettext_lazy("gate"),
        "level__version",
        parent="level",
        parent_field="level",
    ),
}


def _detail_url(version, anchor=""):
    url = reverse("scoring:version_detail", args=[version.public_id])
    return f"{url}#{anchor}" if anchor else url


def _kind(name):
    kind = NODE_KINDS.get(name)
    if kind is None:
        raise Http404
    return kind


def _node_of(version, kind, node_id):
    node = kind.model.objects.filter(pk=node_id, **{kind.version_lookup: version}).first()
    if node is None:
        raise Http404
    return node


def _done(request, url):
    """After a change: a plain post redirects to `url`; htmx reloads the
    version page it came from. (A redirect to the same page with only a new
    #anchor would merely scroll, showing the old sums; a reload keeps the
    scroll position.)"""
    if request.htmx:
        response = HttpResponse(status=200)
        response["HX-Refresh"] = "true"
        return response
    return redirect(url)


def _refused(request, version, message, anchor=""):
    messages.error(request, message)
    return _done(request, _detail_url(version, anchor))


def _add_errors(form, exc):
    """A model's ValidationError on the form: on the field when the form has
    it, else above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- The tree with its sums ---------------------------------------------------


@dataclass
class Sums:
    """Running sums of a version's tree and where they fail to add up."""

    total: Decimal = Decimal(0)
    problems: list = field(default_factory=list)

    @property
    def total_ok(self):
        return self.total == HUNDRED


def _points(value):
    return Decimal(value).quantize(Decimal("0.01"))


def tree_sums(tree, levels, fail_below):
    """Annotate the loaded tree and levels with their sums and problems.

    Each indicator gets `items_sum` and `sum_ok`, each category
    `indicators_sum`, `sum_ok` and `running_total` (the categories so far),
    each level `problem`. Works on prefetched rows only: no queries.
    """
    sums = Sums()
    for category in tree:
        category.indicator_list = list(category.indicators.all())
        category.indicators_sum = Decimal(0)
        for indicator in category.indicator_list:
            indicator.item_list = list(indicator.items.all())
            indicator.items_sum = sum((item.max_points for item in indicator.item_list), Decimal(0))
            indicator.sum_ok = bool(indicator.item_list) and (
                indicator.items_sum == indicator.max_points
            )
            if not indicator.sum_ok:
                sums.problems.append(
                    _("Items of indicator %(code)s sum to %(sum)s, not %(points)s.")
                    % {
                        "code": indicator.code,
                        "sum": _points(indicator.items_sum),
                        "points": _points(indicator.max_points),
                    }
                )
            category.indicators_sum += indicator.max_points
        category.sum_ok = bool(category.indicator_list) and (
            category.indicators_sum == category.max_points
        )
        if not category.sum_ok:
            sums.problems.append(
                _("Indicators of category %(code)s sum to %(sum)s, not %(points)s.")
                % {
                    "code": category.code,
                    "sum": _points(category.indicators_sum),
                    "points": _points(category.max_points),
                }
            )
        sums.total += category.max_points
        category.running_total = sums.total
    if not sums.total_ok:
        sums.problems.append(
            _("The categories sum to %(sum)s, not 100.") % {"sum": _points(sums.total)}
        )
    previous = None
    for position, level in enumerate(levels):
        level.gate_list = list(level.gates.all())
        level.problem = ""
        if position == 0 and level.min_score != fail_below:
            level.problem = _("The lowest level must start at the pass mark, %(fail_below)s.") % {
                "fail_below": _points(fail_below)
            }
        elif previous is not None and level.min_score < previous.min_score:
            level.problem = _("Below the level before it (%(code)s, %(score)s).") % {
                "code": previous.code,
                "score": _points(previous.min_score),
            }
        if level.problem:
            sums.problems.append(f"{level.code}: {level.problem}")
        previous = level
    if not levels:
        sums.problems.append(_("The version has no levels."))
    return sums


def _settings_rows(version):
    rules = [
        (SchemeVersion._meta.get_field(name).verbose_name, getattr(version, name))
        for name in ("fail_below", "special_deductions_fail_at", "special_bonus_max")
    ]
    process = [
        (SchemeVersion._meta.get_field(name).verbose_name, getattr(version, name))
        for name in PROCESS_SETTINGS
    ]
    return rules, process


def _changes(version, limit=30):
    """Field-level history (django-simple-history) of the version and its
    nodes, newest first. A fixed number of queries, whatever the tree's size."""
    related = ("history_user",)
    # Subqueries, not id lists: an empty list would skip its query, and the
    # page would run fewer queries for a version without history.
    category_ids = Category.history.filter(version_id=version.pk).values("id")
    indicator_ids = Indicator.history.filter(category_id__in=category_ids).values("id")
    level_ids = Level.history.filter(version_id=version.pk).values("id")
    records = list(version.history.select_related(*related)[:limit])
    category_history = list(
        Category.history.filter(version_id=version.pk).select_related(*related)[:limit]
    )
    level_history = list(Level.history.filter(version_id=version.pk).select_related(*related))
    indicator_history = list(
        Indicator.history.filter(category_id__in=category_ids).select_related(*related)[:limit]
    )
    item_history = list(
        Item.history.filter(indicator_id__in=indicator_ids)
        .select_related(*related)
        .order_by("-history_date", "-history_id")[:limit]
    )
    gate_history = list(
        Gate.history.filter(level_id__in=level_ids).select_related(*related)[:limit]
    )
    records += category_history + level_history + indicator_history + item_history + gate_history
    records.sort(key=lambda record: (record.history_date, record.history_id), reverse=True)
    return [
        {
            "date": record.history_date,
            "user": record.history_user,
            "type": record.get_history_type_display(),
            "what": record.instance_type._meta.verbose_name,
            "label": _change_label(record),
        }
        for record in records[:limit]
    ]


def _change_label(record):
    if hasattr(record, "code"):
        return record.code
    if hasattr(record, "metric"):
        return record.get_metric_display()
    return f"v{record.number}"


# --- Pages --------------------------------------------------------------------


@manager_required
def scheme_list(request):
    schemes = [
        (scheme, list(versions))
        for scheme, versions in groupby(scheme_version_list(), key=lambda v: v.scheme)
    ]
    return render(request, "scoring/editor/scheme_list.html", {"schemes": schemes})


@manager_required
def version_detail(request, public_id):
    version = scheme_version_get(public_id)
    tree = version_tree(version)
    levels = version_levels(version)
    sums = tree_sums(tree, levels, version.fail_below)
    rules, process = _settings_rows(version)
    return render(
        request,
        "scoring/editor/version_detail.html",
        {
            "version": version,
            "tree": tree,
            "levels": levels,
            "sums": sums,
            "editable": version.is_editable,
            "rules": rules,
            "process": process,
            "events": event_list_for_object(version),
            "changes": _changes(version),
        },
    )


def _form_response(request, version, form, *, title, action, anchor):
    context = {
        "version": version,
        "form": form,
        "title": title,
        "action": action,
        "cancel_url": _detail_url(version, anchor),
    }
    template = (
        "scoring/editor/partials/node_form.html"
        if request.htmx
        else "scoring/editor/node_form.html"
    )
    return render(request, template, context)


def _node_form_view(request, version, kind_name, kind, node, parent):
    """GET shows the form (inline for htmx); POST saves through the service."""
    if not version.is_editable:
        return _refused(
            request,
            version,
            _("Version %(number)s is %(status)s and can no longer be edited; clone it into a new draft.")
            % {"number": version.number, "status": version.get_status_display()},
        )
    creating = node is None
    if creating:
        node = kind.model(**({kind.parent_field: parent} if parent else {"version": version}))
        siblings = (
            kind.model.objects.filter(**{kind.parent_field: parent})
            if parent
            else kind.model.objects.filter(version=version)
        )
        initial = {"position": siblings.count()} if "position" in kind.form.base_fields else {}
    else:
        initial = {}
    form = kind.form(request.POST or None, instance=node, initial=initial, version=version)
    if creating:
        title = _("New %(kind)s") % {"kind": kind.title}
        action = (
            reverse("scoring:node_add_to", args=[version.public_id, kind_name, parent.pk])
            if parent
            else reverse("scoring:node_add", args=[version.public_id, kind_name])
        )
    else:
        title = _("Edit %(kind)s %(node)s") % {
            "kind": kind.title,
            "node": getattr(node, "code", "") or node,
        }
        action = reverse("scoring:node_edit", args=[version.public_id, kind_name, node.pk])
    parent_anchor = f"{kind.parent}-{parent.pk}" if parent else kind.section
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.scheme_node_save(actor=request.user, node=form.instance)
        except CertifyError as exc:
            return _refused(request, version, exc.message)
        except ValidationError as exc:
            _add_errors(form, exc)
        except IntegrityError:
            form.add_error(
                None,
                _("Another %(kind)s of this version already has these values (code or metric).")
                % {"kind": kind.title},
            )
        else:
            messages.success(request, _("The %(kind)s is saved.") % {"kind": kind.title})
            return _done(request, _detail_url(version, f"{kind_name}-{saved.pk}"))
    return _form_response(
        request,
        version,
        form,
        title=title,
        action=action,
        anchor=parent_anchor if creating else f"{kind_name}-{node.pk}",
    )


@manager_required
def node_add(request, public_id, kind, parent_id=None):
    version = scheme_version_get(public_id)
    node_kind = _kind(kind)
    if bool(node_kind.parent) != (parent_id is not None):
        raise Http404
    parent = _node_of(version, NODE_KINDS[node_kind.parent], parent_id) if parent_id else None
    return _node_form_view(request, version, kind, node_kind, None, parent)


@manager_required
def node_edit(request, public_id, kind, node_id):
    version = scheme_version_get(public_id)
    node_kind = _kind(kind)
    node = _node_of(version, node_kind, node_id)
    parent = getattr(node, node_kind.parent_field) if node_kind.parent else None
    return _node_form_view(request, version, kind, node_kind, node, parent)


@manager_required
@require_POST
def node_delete(request, public_id, kind, node_id):
    version = scheme_version_get(public_id)
    node_kind = _kind(kind)
    node = _node_of(version, node_kind, node_id)
    label = getattr(node, "code", "") or str(node)
    anchor = (
        f"{node_kind.parent}-{getattr(node, node_kind.parent_field + '_id')}"
        if node_kind.parent
        else node_kind.section
    )
    try:
        services.scheme_node_delete(actor=request.user, node=node)
    except CertifyError as exc:
        return _refused(request, version, exc.message)
    except IntegrityError:
        return _refused(
            request, version, _("%(node)s is in use and cannot be deleted.") % {"node": label}
        )
    messages.success(
        request, _("The %(kind)s %(node)s is deleted.") % {"kind": node_kind.title, "node": label}
    )
    return _done(request, _detail_url(version, anchor))


@manager_required
def version_settings(request, public_id):
    version = scheme_version_get(public_id)
    if not version.is_editable:
        return _refused(
            request,
            version,
            _("Version %(number)s is %(status)s and can no longer be edited; clone it into a new draft.")
            % {"number": version.number, "status": version.get_status_display()},
        )
    # The form works on its own copy: the page keeps showing the saved values.
    form = SettingsForm(request.POST or None, instance=scheme_version_get(public_id))
    if request.method == "POST" and form.is_valid():
        try:
            services.scheme_version_settings_update(
                actor=request.user, version=version, **form.cleaned_data
            )
        except CertifyError as exc:
            return _refused(request, version, exc.message)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The rules and settings are saved."))
            return _done(request, _detail_url(version, "settings"))
    return _form_response(
        request,
        version,
        form,
        title=_("Rating rules and process settings"),
        action=reverse("scoring:version_settings", args=[version.public_id]),
        anchor="settings",
    )


# --- Transitions ----------------------------------------------------------------


@manager_required
@require_POST
def version_clone(request, public_id):
    version = scheme_version_get(public_id)
    try:
        draft = services.scheme_version_clone(actor=request.user, version=version)
    except CertifyError as exc:
        messages.error(request, exc.message)
        return redirect("scoring:scheme_list")
    messages.success(
        request,
        _("Version %(number)s is a new draft, copied from version %(source)s.")
        % {"number": draft.number, "source": version.number},
    )
    return redirect(_detail_url(draft))


@manager_required
@require_POST
def version_publish(request, public_id):
    version = scheme_version_get(public_id)
    try:
        services.scheme_version_publish(actor=request.user, version=version)
    except CertifyError as exc:
        return _refused(request, version, exc.message)
    messages.success(
        request,
        _("Version %(number)s is published; it can no longer be edited.")
        % {"number": version.number},
    )
    return redirect(_detail_url(version))


@manager_required
@require_POST
def version_retire(request, public_id):
    version = scheme_version_get(public_id)
    try:
        services.scheme_version_retire(actor=request.user, version=version)
    except CertifyError as exc:
        return _refused(request, version, exc.message)
    messages.success(request, _("Version %(number)s is retired.") % {"number": version.number})
    return redirect(_detail_url(version))


@manager_required
@require_POST
def version_normative(request, public_id):
    version = scheme_version_get(public_id)
    normative = request.POST.get("normative") == "1"
    try:
        services.scheme_version_set_normative(
            actor=request.user, version=version, normative=normative
        )
    except CertifyError as exc:
        return _refused(request, version, exc.message)
    if normative:
        message = _("Version %(number)s is marked normative.")
    else:
        message = _("Version %(number)s is no longer marked normative.")
    messages.success(request, message % {"number": version.number})
    return redirect(_detail_url(version))
