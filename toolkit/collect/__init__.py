"""Collect 政府信息公开年报 from agency websites (filled in below)."""
