"""Every `checkin` command, one module per subject. Each module adds its commands with
`register(cli)` (cli: support.CommandLine); checkin/cli.py builds the parser from this list,
in this order (it is the order of `checkin --help`)."""

from . import cme, desk, printing, privacy, rules, scanner, server, sync, tickets

COMMAND_MODULES = (desk, cme, printing, scanner, privacy, tickets, rules, server, sync)
