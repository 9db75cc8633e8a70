from django.contrib.auth import login
from django.contrib.auth.forms import UserCreationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from debate.accounts.services import user_signup
from debate.errors import ServiceError


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
