"""`python -m crawler.cli`: the same command line as `replyaudit`."""

from crawler.cli import main

main()
