"""The zmem command-line tool: `zmem build` and `zmem boards` (see docs/cli.md)."""
