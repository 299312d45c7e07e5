"""A stateful fake of the Facebook Messenger Platform for Handover Protocol conformance tests."""

__version__ = "0.1.0"

PAGE_INBOX_APP_ID = "263902037430900"
