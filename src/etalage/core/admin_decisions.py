"""A back-office action that asks the operator for a reason (or a rate) first."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import render


def decide_with_form(
    model_admin,
    request,
    queryset,
    *,
    action,
    form_class,
    intro,
    submit,
    decide,
    initial=None,
):
    """Show ``form_class`` for the selected objects, then call ``decide`` on each.

    ``decide(obj, cleaned_data)`` applies one decision; a ValidationError it raises
    is shown next to that object's name and the others go on.
    """
    form = form_class(
        request.POST if request.POST.get("confirm") else None, initial=initial
    )
    if form.is_valid():
        done = 0
        for obj in queryset:
            try:
                decide(obj, form.cleaned_data)
            except ValidationError as error:
                model_admin.message_user(
                    request, f"{obj}: {' '.join(error.messages)}", messages.ERROR
                )
            else:
                done += 1
        if done:
            model_admin.message_user(request, f"{submit}: {done}.", messages.SUCCESS)
        return None
    return render(
        request,
        "admin/etalage/decision_form.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": submit,
            "intro": intro,
            "submit": submit,
            "form": form,
            "objects": queryset,
            "action": action,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "opts": model_admin.model._meta,
        },
    )


def form_page(model_admin, request, *, title, intro, submit, form, multipart=False):
    """A back-office page of one form (an import, a record) in the admin's frame."""
    return render(
        request,
        "admin/etalage/decision_form.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": title,
            "intro": intro,
            "submit": submit,
            "form": form,
            "objects": [],
            "opts": model_admin.model._meta,
            "multipart": multipart,
        },
    )
