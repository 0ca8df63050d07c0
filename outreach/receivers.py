"""
allauth's signals, its documented hook for its own flows, connected in OutreachConfig.ready(): a
changed password or primary email revokes the user's API tokens through outreach.services.
"""

from allauth.account import signals

from . import services


def revoke_api_tokens_on_password_change(sender, request, user, **kwargs):
    services.api_tokens_revoke(user=user)


def revoke_api_tokens_on_email_change(sender, request, user, from_email_address, to_email_address, **kwargs):
    # allauth also sends this when a first address is verified at signup: nothing changed then.
    if from_email_address is not None:
        services.api_tokens_revoke(user=user)


def connect():
    for signal in (signals.password_changed, signals.password_reset, signals.password_set):
        signal.connect(revoke_api_tokens_on_password_change, dispatch_uid="outreach_revoke_api_tokens_password")
    signals.email_changed.connect(revoke_api_tokens_on_email_change, dispatch_uid="outreach_revoke_api_tokens_email")
