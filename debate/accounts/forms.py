"""The shape of the account screens' input: API tokens on the profile page, and sign-in."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.utils import translation
from django.utils.translation import gettext_lazy

from debate.inputs import CappedBoundField, CappedForm, IdField, QuotedChoiceField, TextField


class TokenActionForm(CappedForm):
    action = QuotedChoiceField(choices=[("create", "create"), ("revoke", "revoke")],
                               required=False)  # fmt: skip

    def clean_action(self) -> str:
        # The create form predates the field: no action means create.
        return self.cleaned_data.get("action") or "create"


class TokenCreateForm(CappedForm):
    name = TextField(max_length=80, required=False)
    read_only = forms.BooleanField(required=False)


class TokenRevokeForm(CappedForm):
    token = IdField()


class NextForm(CappedForm):
    """Where to go after signing up; the view keeps only a URL of this site."""

    next = forms.CharField(max_length=2000, required=False)


class LanguageForm(CappedForm):
    """The navigation's language switcher (what Django's set_language reads, checked first)."""

    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(max_length=2000, required=False)


def next_of(data) -> str:
    form = NextForm(data)
    return form.cleaned_data["next"] if form.is_valid() else ""


class SignupForm(UserCreationForm):
    """Username and password (Django's validators), and an optional e-mail address: without
    one, a forgotten password cannot be reset."""

    bound_field_class = CappedBoundField

    email = forms.EmailField(
        max_length=254, required=False, label=gettext_lazy("Email"),
        help_text=gettext_lazy("Optional: where a password reset link is sent."),
    )  # fmt: skip


class LoginForm(AuthenticationForm):
    bound_field_class = CappedBoundField

    def clean(self):
        # A username no account can have is refused like any wrong login, before it reaches
        # authentication (and the lockout's records, whose column is 255 characters).
        if len(self.cleaned_data.get("username") or "") > 150:
            raise self.get_invalid_login_error()
        return super().clean()


class PasswordResetForm(auth_forms.PasswordResetForm):
    bound_field_class = CappedBoundField

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        """The email in its reader's language (their stored choice), not the requester's."""
        from debate.accounts.services import language_of

        language = language_of(context.get("user")) or translation.get_language()
        with translation.override(language):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    bound_field_class = CappedBoundField


class SetPasswordForm(auth_forms.SetPasswordForm):
    bound_field_class = CappedBoundField
