import logging

from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    name = "relationships"

    def ready(self) -> None:
        from .invitations import PATH_LOGGERS, RedactTokens

        for name in PATH_LOGGERS:
            logging.getLogger(name).addFilter(RedactTokens())
