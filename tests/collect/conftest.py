from __future__ import annotations

import pytest

from . import site as mock


@pytest.fixture(scope="session")
def doc_file(tmp_path_factory):
    """A real .doc (LibreOffice's conversion of a bundled DOCX), or None when soffice is missing."""
    return mock.make_doc(tmp_path_factory.mktemp("doc"))


@pytest.fixture
def servers(doc_file):
    """The agency site and another host, both on 127.0.0.1, each logging every request."""
    other = mock.start({"/ndbg/other.html": mock.html(mock.chrome("某区2023年政府信息公开工作年度报告", "<p>x</p>")),
                        "/robots.txt": (200, {"Content-Type": "text/plain"}, b"")})
    agency = mock.start({})
    routes = mock.build_site(doc_file, other.base)
    mock.resolve_absolute(routes, agency.base)
    agency.routes.update(routes)
    yield agency, other
    for s in (agency, other):
        s.httpd.shutdown()
        s.httpd.server_close()
