from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self) -> None:
        # The outbox builds a letter's mail when the worker sends it (accounts.mail.register).
        from accounts import mail

        from . import letters, services

        mail.register(services.BUILDER, letters.build)
