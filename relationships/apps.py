import logging

from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    name = "relationships"

    def ready(self) -> None:
        from accounts import mail

        from .invitations import PATH_LOGGERS, RedactTokens
        from .tasks import INVITATION_MAIL, build_invitation, invitation_sent

        for name in PATH_LOGGERS:
            logging.getLogger(name).addFilter(RedactTokens())
        mail.register(INVITATION_MAIL, build_invitation, sent=invitation_sent)
