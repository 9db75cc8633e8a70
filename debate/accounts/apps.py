from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "debate.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from debate.accounts.services import language_on_login

        user_logged_in.connect(language_on_login, dispatch_uid="accounts.language_on_login")
