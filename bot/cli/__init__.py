"""`crossdesk …`: the command line and what its commands run (demo, chat, digest, export,
report)."""

from bot.cli.main import main

__all__ = ["main"]
