"""Notices to owners, supervisors and ops: who hears what (``policy``), in which words (``render``), and a
delivery through a Redis outbox that loses nothing (``outbox``, ``deliver``). docs/notify.md tells the story."""
