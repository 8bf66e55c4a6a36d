from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        # The audit log listens to what allauth and Django announce about accounts.
        from django.contrib.auth.signals import user_logged_in

        from . import audit_receivers
        from .middleware import session_started

        audit_receivers.connect()
        user_logged_in.connect(session_started, dispatch_uid="accounts.session_started")
