"""`python -m bot` is the same as `crossdesk`."""

from bot.cli import main

main()
