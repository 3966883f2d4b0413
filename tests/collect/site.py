"""A mock agency website on the loopback interface, built from the bundled real reports.

Two servers run on 127.0.0.1 (port 0, so the OS picks free ports): the agency
site and an "other host" that the collector must never contact. Both log
every request (time received, path, headers) so tests can check politeness.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"
DOCX = ROOT / "data" / "synthetic" / "reports" / "2023" / "lsx-yunling-2023.docx"

SLOW_SECONDS = 0.7  # the slow page answers after this; tests use a timeout a little below it
MAX_BYTES = 1_000_000  # the collector's size limit in the tests; the huaian PDF (413 kB) is below it


@dataclass
class Logged:
    t: float
    path: str
    headers: dict


@dataclass
class Server:
    httpd: ThreadingHTTPServer
    routes: dict
    log: list = field(default_factory=list)
    hits: dict = field(default_factory=dict)

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def paths(self) -> list[str]:
        return [e.path for e in self.log]


def _handler(server: Server):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"  # the body ends when the connection closes: streams need no length

        def log_message(self, *args):  # quiet; the request log below is what tests read
            pass

        def do_GET(self):
            server.log.append(Logged(time.monotonic(), self.path, dict(self.headers)))
            n = server.hits[self.path] = server.hits.get(self.path, 0) + 1
            route = server.routes.get(self.path)
            if route is None:
                return self._send(404, {"Content-Type": "text/html; charset=utf-8"}, "<html><body>404 页面不存在</body></html>".encode())
            if callable(route):
                route = route(self, n)
                if route is None:
                    return
            status, headers, body = route
            self._send(status, headers, body)

        def _send(self, status, headers, body):
            try:
                self.send_response(status)
                for k, v in headers.items():
                    if not k.startswith("_"):  # "_stream": test-only flag, not a header
                        self.send_header(k, v)
                if "Content-Length" not in headers and status != 304 and not headers.get("_stream"):
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout, size limit): that is what some tests provoke

    return Handler


def start(routes: dict) -> Server:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), None)
    server = Server(httpd, routes)
    httpd.RequestHandlerClass = _handler(server)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server


def chrome(title: str, body: str, extra_links: str = "") -> str:
    """A CMS page: head, navigation, breadcrumbs, footer around the content."""
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>
<script src="/js/common.js"></script></head><body>
<div class="header"><a href="/">首页</a> <a href="/xxgk/">政务公开</a> <a href="/hdjl/">互动交流</a>
<img src="/images/logo.png"></div>
<div class="crumbs">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/ndbg/index.html">政府信息公开年报</a></div>
<div class="content">{body}</div>
<div class="related">{extra_links}</div>
<div class="footer">主办单位：某市人民政府办公室 <a href="http://www.beian.gov.cn/">备案</a> <a href="mailto:a@b.cn">联系我们</a></div>
</body></html>"""


def html(text: str, encoding: str = "utf-8", charset: bool = True) -> tuple:
    ctype = "text/html; charset=utf-8" if charset else "text/html"
    return 200, {"Content-Type": ctype}, text.encode(encoding)


def make_doc(tmp: Path) -> Path | None:
    """DOCX → DOC with LibreOffice (None when soffice is missing)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    src = tmp / "lsx-yunling-2023.docx"
    shutil.copy(DOCX, src)
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp}/lo-profile", "--convert-to", "doc",
                    "--outdir", str(tmp), str(src)], capture_output=True, timeout=180, check=False)
    out = tmp / "lsx-yunling-2023.doc"
    return out if out.exists() and out.read_bytes()[:4] == b"\xd0\xcf\x11\xe0" else None


def build_site(doc: Path | None, other_base: str) -> dict:
    """Routes of the agency site (filled with the real reports)."""
    shanghai = (RAW / "shanghai-gov-office-2019.html").read_text(encoding="utf-8")
    shanghai_body = re.search(r"<body>(.*)</body>", shanghai, re.S).group(1)
    pdf = (RAW / "huaian-city-2024.pdf").read_bytes()
    docx = DOCX.read_bytes()
    routes: dict = {}

    def absolute(path):  # an absolute link on the page; filled in once the port is known
        return "ABS" + path

    routes["/robots.txt"] = (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n")
    routes["/xxgk/ndbg/index.html"] = html(chrome("政府信息公开年报", f"""
<ul class="list">
<li><a href="t20200131_1.html" title="2019年上海市人民政府办公厅政府信息公开工作年度报告">2019年上海市人民政府办公厅政府信息公开工作年度…</a></li>
<li><a href="{absolute('/xxgk/ndbg/202501/t20250120_2.html')}">淮安市2024年政府信息公开工作年度报告</a></li>
<li><a href="/old/yunling.html">云岭镇2023年政府信息公开工作年度报告</a></li>
<li><a href="/private/t1.html">某局2022年政府信息公开工作年度报告</a></li>
<li><a href="{other_base}/ndbg/other.html">某区2023年政府信息公开工作年度报告</a></li>
<li><a href="missing.html">某局2021年政府信息公开工作年度报告</a></li>
<li><a href="/xxgk/tzgg/notice.html">关于开展政务公开培训的通知</a></li>
</ul>
<div class="page"><a href="index.html">首页</a> <a href="index_1.html">下一页</a> <a href="/xxgk/tzgg/index_2.html">2</a></div>
"""))
    gbk_page = """<html><head><title>政府信息公开年报</title></head><body>
<div class="crumbs">当前位置：首页 &gt; 政府信息公开年报</div>
<ul><li><a href="flaky.html">云岭镇2023年政府信息公开工作年度报告（Word）</a></li>
<li><a href="slow.html">某县2020年政府信息公开工作年度报告</a></li>
<li><a href="big.html">某市2018年政府信息公开工作年度报告</a></li>
<li><a href="fake.html">某乡2017年政府信息公开工作年度报告</a></li></ul>
<div class="page"><a href="index.html">上一页</a> <a href="index_1.html">2</a></div></body></html>"""
    routes["/xxgk/ndbg/index_1.html"] = html(gbk_page, "gbk", charset=False)
    routes["/xxgk/ndbg/t20200131_1.html"] = html(chrome(
        "2019年上海市人民政府办公厅政府信息公开工作年度报告", shanghai_body,
        '上一篇：<a href="/xxgk/ndbg/never.html">2018年上海市人民政府办公厅政府信息公开工作年度报告</a>'))
    routes["/xxgk/ndbg/202501/t20250120_2.html"] = html(chrome(
        "淮安市2024年政府信息公开工作年度报告",
        '<p>淮安市人民政府2024年政府信息公开工作年度报告全文见附件。</p>'
        '<p>附件：<a href="../../../uploads/2025/huaian-city-2024.pdf">淮安市2024年政府信息公开工作年度报告.pdf</a></p>'))
    routes["/uploads/2025/huaian-city-2024.pdf"] = (200, {"Content-Type": "application/pdf"}, pdf)
    routes["/old/yunling.html"] = (301, {"Location": "/xxgk/ndbg/yunling.html"}, b"")
    routes["/xxgk/ndbg/yunling.html"] = html(chrome(
        "云岭镇2023年政府信息公开工作年度报告",
        '<p>云岭镇2023年政府信息公开工作年度报告，详见附件。</p><p><a href="/download.jsp?id=7">附件下载</a></p>'))
    routes["/download.jsp?id=7"] = (200, {
        "Content-Type": "application/octet-stream",
        "Content-Disposition": "attachment; filename*=UTF-8''..%2F..%2F%E4%BA%91%E5%B2%AD%E9%95%87%E5%B9%B4%E6%8A%A5.docx"},
        docx)

    def flaky(handler, n):
        if n == 1:
            return 503, {"Content-Type": "text/html", "Retry-After": "0"}, b"<html><body>busy</body></html>"
        body = '<p>云岭镇2023年政府信息公开工作年度报告（Word 版）。</p>'
        if doc is not None:
            body += '<p><a href="/uploads/2024/yunling-2023.doc">云岭镇2023年年报.doc</a></p>'
        return html(chrome("云岭镇2023年政府信息公开工作年度报告（Word）", body))

    routes["/xxgk/ndbg/flaky.html"] = flaky
    if doc is not None:
        routes["/uploads/2024/yunling-2023.doc"] = (200, {"Content-Type": "application/msword"}, doc.read_bytes())

    def slow(handler, n):
        time.sleep(SLOW_SECONDS)
        return html(chrome("某县2020年政府信息公开工作年度报告", "<p>慢</p>"))

    routes["/xxgk/ndbg/slow.html"] = slow
    routes["/xxgk/ndbg/big.html"] = html(chrome(
        "某市2018年政府信息公开工作年度报告",
        '<a href="/uploads/big.pdf">附件1.pdf</a> <a href="/uploads/big-stream.pdf">附件2.pdf</a>'))
    big = b"%PDF-1.4\n" + b"0" * (MAX_BYTES + 10)
    routes["/uploads/big.pdf"] = (200, {"Content-Type": "application/pdf"}, big)  # refused on Content-Length
    routes["/uploads/big-stream.pdf"] = (200, {"Content-Type": "application/pdf", "_stream": "1"}, big)  # while streaming
    routes["/xxgk/ndbg/fake.html"] = html(chrome(
        "某乡2017年政府信息公开工作年度报告", '<a href="/uploads/fake.pdf">某乡2017年年报.pdf</a>'))
    routes["/uploads/fake.pdf"] = (200, {"Content-Type": "application/pdf"},
                                   "<!DOCTYPE html><html><body>文件不存在或已被删除</body></html>".encode())
    routes["/private/t1.html"] = html(chrome("某局2022年政府信息公开工作年度报告", "<p>内部</p>"))
    return routes


def resolve_absolute(routes: dict, base: str) -> None:
    for path, route in list(routes.items()):
        if isinstance(route, tuple) and b'href="ABS' in route[2]:
            status, headers, body = route
            routes[path] = (status, headers, body.replace(b'href="ABS', f'href="{base}'.encode()))
