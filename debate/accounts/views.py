from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from debate.accounts.models import ApiToken
from debate.accounts.services import token_create, token_revoke, user_signup
from debate.errors import InvalidInput, ServiceError


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Sign up with a username and a password that passes Django's validators."""
    form = UserCreationForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                user = user_signup(
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password1"],
                )
            except ServiceError as error:
                form.add_error("username", error.message)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                if url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
                    return redirect(next_url)
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
            if request.POST.get("action") == "revoke":
                token = ApiToken.objects.filter(
                    pk=request.POST.get("token") if str(request.POST.get("token", "")).isdigit()
                    else 0, user=request.user,
                ).first()  # fmt: skip
                if token is None:
                    raise InvalidInput("No such token.")
                token_revoke(actor=request.user, token=token)
                messages.success(request, f"Token {token.prefix}… revoked.")
                return redirect("profile")
            _, created_raw = token_create(
                actor=request.user, user=request.user, name=request.POST.get("name", ""),
                read_only=request.POST.get("read_only") == "on",
            )  # fmt: skip
        except ServiceError as exc:
            error, status = exc.message, 422
    tokens = ApiToken.objects.filter(user=request.user).order_by("-id")
    return render(
        request, "registration/profile.html",
        {"tokens": tokens, "created_raw": created_raw, "error": error}, status=status,
    )  # fmt: skip


class LoginForm(AuthenticationForm):
    def clean(self):
        # A username no account can have is refused like any wrong login, before it reaches
        # authentication (and the lockout's records, whose column is 255 characters).
        if len(self.cleaned_data.get("username") or "") > 150:
            raise self.get_invalid_login_error()
        return super().clean()


class LoginView(auth_views.LoginView):
    """Django's login, answering a refused attempt with 422 like every other refused form."""

    authentication_form = LoginForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 422
        return response
