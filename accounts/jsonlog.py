"""One JSON object a line, for the audit log (``trellis.audit``) and anything a collector reads."""

import json
import logging
from datetime import UTC, datetime


class JSONFormatter(logging.Formatter):
    """An audit event as it was recorded (``accounts.audit.record``); any other record as its
    time, level, logger and message. Never the arguments or the traceback of a record: they may
    hold what someone wrote."""

    def format(self, record: logging.LogRecord) -> str:
        event = getattr(record, "audit", None)
        if not isinstance(event, dict):
            event = {
                "at": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
                "level": record.levelname.lower(),
                "logger": record.name,
                "message": record.getMessage(),
            }
        return json.dumps(event, ensure_ascii=True, separators=(", ", ": "), default=str)
