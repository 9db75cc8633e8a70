from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language

from debate import permissions
from debate.accounts.forms import (
    LanguageForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
    SignupForm,
    TokenActionForm,
    TokenCreateForm,
    TokenRevokeForm,
    next_of,
)
from debate.accounts.models import ApiToken
from debate.accounts.services import (
    SESSION_LANGUAGE,
    language_set,
    token_create,
    token_revoke,
    user_signup,
)
from debate.errors import InvalidInput, ServiceError
from debate.inputs import cleaned
from debate.ratelimit import RateLimited, check_rate, check_rate_key, rate_limited_response
from debate.rendering import error_status


def safe_next(request: HttpRequest, next_url: str) -> str:
    """`next_url` if it is a path of this site, else "" (as Django's LoginView judges it)."""
    # A path of this site only: anything else (`²`, `1.5`, `//evil`) is not a place to go.
    local = next_url.startswith("/") and not next_url.startswith("//")
    allowed = url_has_allowed_host_and_scheme(
        next_url, {request.get_host()}, require_https=request.is_secure()
    )
    return next_url if local and allowed else ""


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Sign up with a username and a password that passes Django's validators; a safe `next`
    (an invite link, say) is carried through the form and followed afterwards."""
    form = SignupForm(request.POST or None)
    next_url = safe_next(request, next_of(request.POST) or next_of(request.GET))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                user = user_signup(
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password1"],
                    email=form.cleaned_data["email"],
                )
            except RateLimited as refusal:
                return rate_limited_response(request, refusal)
            except ServiceError as error:
                form.add_error("username", error.message)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                if next_url:
                    return HttpResponseRedirect(next_url)
                return redirect("home")
        status = 422
    return render(
        request, "registration/signup.html", {"form": form, "next": next_url}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """Your account: personal API tokens, created (shown once) and revoked here."""
    created_raw = ""
    error, status = "", 200
    if request.method == "POST":
        try:
            if cleaned(TokenActionForm, request.POST)["action"] == "revoke":
                chosen = cleaned(TokenRevokeForm, request.POST)["token"]
                token = ApiToken.objects.filter(pk=chosen, user=request.user).first()
                if token is None:
                    raise InvalidInput(_("No such token."), field="token")
                token_revoke(actor=request.user, token=token)
                revoked = _("Token %(prefix)s… revoked.") % {"prefix": token.prefix}
                messages.success(request, revoked)
                return redirect("profile")
            data = cleaned(TokenCreateForm, request.POST)
            _token, created_raw = token_create(
                actor=request.user, user=request.user, name=data["name"],
                read_only=data["read_only"],
            )  # fmt: skip
        except RateLimited as refusal:
            return rate_limited_response(request, refusal)
        except ServiceError as exc:
            error, status = exc.message, error_status(exc)
    tokens = ApiToken.objects.filter(user=request.user).order_by("-id")
    return render(
        request, "registration/profile.html",
        {"tokens": tokens, "created_raw": created_raw, "error": error,
         "can_create": permissions.can_create_debate(request.user)}, status=status,
    )  # fmt: skip


class RefusedIs422:
    """For Django's auth views: a refused form answers 422, like every other refused form."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 422
        return response


class LoginView(RefusedIs422, auth_views.LoginView):
    """Django's login, answering a refused attempt with 422 like every other refused form."""

    authentication_form = LoginForm

    def get_redirect_url(self):
        # Django's check, and a path of this site only, like sign-up's (an invite link, say).
        return safe_next(self.request, super().get_redirect_url())


class PasswordResetView(RefusedIs422, auth_views.PasswordResetView):
    """Django's password reset, throttled per client address and per address asked about.

    The per-address-asked-about count is keyed on what was typed, not on an account found,
    so the answer (the done page, or the same 429) says nothing about which accounts exist."""

    form_class = PasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        try:
            check_rate(None, "password_reset")
            if form.is_valid():
                check_rate_key("password_reset_account", form.cleaned_data["email"])
        except RateLimited as refusal:
            return rate_limited_response(request, refusal)
        if form.is_valid():
            return self.form_valid(form)
        return self.form_invalid(form)


class PasswordChangeView(RefusedIs422, auth_views.PasswordChangeView):
    """Django's password change (the old password, then the new one twice), from the profile."""

    form_class = PasswordChangeForm


class PasswordResetConfirmView(RefusedIs422, auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """The navigation's language switcher: Django's `set_language` (the cookie, and back to
    `next` on this site), and for a signed-in person the choice stored and put in the
    session, so it survives a new login on another browser. An unknown language is a 400
    that changes nothing."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return render(request, "400.html", status=400)
    language = form.cleaned_data["language"]
    response = set_language(request)
    if request.user.is_authenticated:
        language_set(user=request.user, language=language)
        request.session[SESSION_LANGUAGE] = language
    return response
