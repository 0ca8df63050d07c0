"""Logging filters, importable before Django's apps are loaded (logging is configured first)."""

import logging
import re


class RedactFeedTokens(logging.Filter):
    """Replace personal feed tokens in log lines (runserver's access log, django.request) with a mark."""

    pattern = re.compile(r"(/feeds/personal/)[^/\s\"?]+")

    def filter(self, record):
        message = record.getMessage()
        if "/feeds/personal/" in message:
            record.msg, record.args = self.pattern.sub(r"\1[redacted]", message), None
        return True
