"""New-media accounts (政务新媒体): sources that read an account's posts, behind one small interface.

``posts`` holds the records and the ``Source`` protocol, ``feed`` and ``listpage`` the pure parsers,
``sources`` the adapters that fetch and parse. The ``media`` check (``monitor.checks.media.check``) runs them;
the rules (``monitor.rules.media``) read only the check's payload.
"""

from monitor.checks.media.posts import Post, Posts, Source, Validators

__all__ = ["Post", "Posts", "Source", "Validators"]
