"""`python -m bot` is the same as `crossdesk`."""

from bot.cli.main import main

main()
