"""Report modules shared by the report CLIs in scripts/ (run readers,
statistics). Each module says what it reads and returns."""
