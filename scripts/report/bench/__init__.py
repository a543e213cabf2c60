"""make bench reports, by concern; scripts/bench-report.py is the CLI."""
