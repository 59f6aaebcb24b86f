"""Helpers several test files share (see the README's Layout)."""
