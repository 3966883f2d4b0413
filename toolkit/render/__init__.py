"""Render a :class:`~toolkit.synthetic.ReportSpec` into a real report file.

Renderers print the official layouts (from the codebook) with optional
real-world perturbations; the tests read the files back with ``read_report``.
"""
