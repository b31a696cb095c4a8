"""The client's address, behind as many trusted reverse proxies as the settings say.

One function for every limiter: django-axes (login attempts, through
AXES_CLIENT_IP_CALLABLE) and the survey-link limit. TRUSTED_PROXY_COUNT is the number
of proxies in front of the app that each append the address they saw to
X-Forwarded-For (nginx with `$proxy_add_x_forwarded_for`: 1). With 0 the header is
ignored, since any client can send one; with N the N-th address from the right is the
client, and whatever a client wrote into the header itself stands further left.
"""

import ipaddress

from django.conf import settings


def client_ip(request):
    """The client's IP address as a string (REMOTE_ADDR when the proxies did not say)."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(forwarded) < proxies:
        return remote
    candidate = forwarded[-proxies].strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:  # no header, or not what a proxy writes
        return remote
