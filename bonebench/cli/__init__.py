"""Thin typer command-line apps; heavy modules are imported inside the commands."""
