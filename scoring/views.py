"""The managers' scheme editor: the one set of pages the scoring app serves
by itself (issue 3 item 2). Every view is for managers; every change goes
through one service of scoring.services, which refuses anything but a draft.

Node forms (categories, indicators, items, levels, gates, the settings) work
inline by htmx: the form is fetched into a slot of the version page and
posted back; a success reloads the page, since one changed number moves the
sums all the way up. Without JavaScript the same URLs serve whole pages.
"""

from dataclasses import dataclass
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
from certify.views.actions import run_action
from scoring import services
from scoring.forms import (
    CategoryForm,
    GateForm,
    IndicatorForm,
    ItemForm,
    LevelForm,
    NormativeForm,
    SettingsForm,
)
from scoring.models import Category, Gate, Indicator, Item, Level
from scoring.selectors import (
    scheme_version_actions_for,
    scheme_version_get,
    scheme_version_list,
    tree_sums,
    version_changes,
    version_levels,
    version_settings_rows,
    version_tree,
)


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
    rules, process = version_settings_rows(version)
    actions = scheme_version_actions_for(request.user, version)
    return render(
        request,
        "scoring/editor/version_detail.html",
        {
            "version": version,
            "tree": tree,
            "levels": levels,
            "sums": sums,
            "actions": actions,
            "editable": "edit" in actions,
            "rules": rules,
            "process": process,
            "events": event_list_for_object(version),
            "changes": version_changes(version),
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
    return run_action(
        request,
        lambda: services.scheme_version_publish(actor=request.user, version=version),
        success=_("Version %(number)s is published; it can no longer be edited.") % {"number": version.number},
        back=_detail_url(version),
    )


@manager_required
@require_POST
def version_retire(request, public_id):
    version = scheme_version_get(public_id)
    return run_action(
        request,
        lambda: services.scheme_version_retire(actor=request.user, version=version),
        success=_("Version %(number)s is retired.") % {"number": version.number},
        back=_detail_url(version),
    )


@manager_required
@require_POST
def version_normative(request, public_id):
    version = scheme_version_get(public_id)
    form = NormativeForm(request.POST)
    if not form.is_valid():
        return _refused(request, version, _("Choose whether the version is normative."))
    normative = form.cleaned_data["normative"]
    if normative:
        message = _("Version %(number)s is marked normative.")
    else:
        message = _("Version %(number)s is no longer marked normative.")
    return run_action(
        request,
        lambda: services.scheme_version_set_normative(actor=request.user, version=version, normative=normative),
        success=message % {"number": version.number},
        back=_detail_url(version),
    )
