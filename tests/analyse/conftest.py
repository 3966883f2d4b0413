"""Every analyse test draws inside its own matplotlib settings and closes its figures: a test that changes
rcParams (as a notebook's ``use_style`` does) never leaks into the next one."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _rc():
    import matplotlib
    import matplotlib.pyplot as plt

    with matplotlib.rc_context():
        yield
    plt.close("all")
