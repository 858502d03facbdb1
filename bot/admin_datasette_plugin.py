"""A Datasette plugin for `jitbot admin serve`: refused visitors are sent to the login page.

A module of its own because Datasette lists plugins by module name. Imported (and
registered) only by bot/admin_datasette.py when it builds the Datasette instance.
"""

from __future__ import annotations

from datasette import hookimpl
from datasette.utils.asgi import Response

from .admin_datasette import login_redirect


@hookimpl
def forbidden(datasette, request, message):
    target = login_redirect(request)
    return Response.redirect(datasette.urls.path(target)) if target else None
