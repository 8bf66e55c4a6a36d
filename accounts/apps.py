from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        # The audit log listens to what allauth and Django announce about accounts.
        from . import audit_receivers

        audit_receivers.connect()
