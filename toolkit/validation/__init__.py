"""Validation internals: identities as data, hard and soft checks, issue rows.

The public entry point is :func:`toolkit.validation.api.validate`.
"""
