"""One module per `chainrule` command; each has `register(subparsers)` setting `run`."""
