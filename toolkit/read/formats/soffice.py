"""LibreOffice (``soffice --headless --convert-to``) as a file converter.

Used to read legacy Word/WPS files (convert to DOCX) and to render DOCX to PDF
in the round-trip tests. Two facts shape this module:

- Two soffice processes sharing one user profile silently lose one of their
  outputs, so every process of ours gets its own ``-env:UserInstallation``
  profile directory, and calls within a process take turns on it (a lock).
- Starting soffice costs seconds, so :func:`convert` takes many files at once.
- A Word file from a website can link a picture or a field at any address
  (``INCLUDEPICTURE "http://…"``), which LibreOffice would fetch while
  converting. Converting never touches the network: soffice runs in a network
  namespace of its own with no interface but a loopback of its own (``unshare
  --net``, as root, or in a user namespace otherwise) where the system allows
  it, and always with a profile that updates no links or fields on loading,
  blocks linked pictures and runs no macros (:data:`OFFLINE_SETTINGS`).
- The profile and the conversion folders live in the temporary folder under
  names that carry their owner (:func:`toolkit.atomic.owned_prefix`); a process
  killed before it could remove them leaves them behind, and the first
  conversion of a later process removes those whose owner is dead.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from toolkit.atomic import owned_prefix, sweep_once
from toolkit.errors import ConversionError

INSTALL_HINT = "install LibreOffice (Debian: apt-get install libreoffice-writer-nogui) or convert it yourself"
TIMEOUT_S = 180
PROFILE_PREFIX = "toolkit-soffice-profile-"
WORK_PREFIX = "toolkit-soffice-"

_lock = threading.Lock()
_profile: Path | None = None
_profile_pid = 0  # a forked child makes its own: a profile shared by two processes loses outputs


def executable() -> str | None:
    """The soffice binary: $TOOLKIT_SOFFICE if set, else ``soffice``/``libreoffice`` on PATH."""
    env = os.environ.get("TOOLKIT_SOFFICE")
    if env:
        return env if Path(env).exists() else None
    return shutil.which("soffice") or shutil.which("libreoffice")


# (configuration path, property, XML type, value): read by LibreOffice from the profile at start.
OFFLINE_SETTINGS = (
    ("/org.openoffice.Office.Writer/Content/Update", "Link", "int", "0"),  # links: never updated on loading
    ("/org.openoffice.Office.Writer/Content/Update", "Field", "boolean", "false"),  # fields: not updated
    ("/org.openoffice.Office.Calc/Content/Update", "Link", "int", "0"),
    ("/org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks", "boolean", "true"),
    ("/org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution", "boolean", "true"),
    ("/org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel", "int", "3"),
    # Where no namespace can be had: every fetch goes to a proxy on a closed local port, and fails there.
    ("/org.openoffice.Inet/Settings", "ooInetProxyType", "int", "2"),
    ("/org.openoffice.Inet/Settings", "ooInetNoProxy", "string", ""),
    *(("/org.openoffice.Inet/Settings", f"ooInet{kind}Proxy{part}", "string" if part == "Name" else "int", value)
      for kind in ("HTTP", "HTTPS", "FTP") for part, value in (("Name", "127.0.0.1"), ("Port", "9"))),
)


def _profile_dir() -> Path:
    """This process's private LibreOffice profile (created once, removed at exit), offline settings in place."""
    global _profile, _profile_pid
    if _profile is None or _profile_pid != os.getpid():
        _profile_pid = os.getpid()
        sweep_once(tempfile.gettempdir(), PROFILE_PREFIX, WORK_PREFIX)  # what killed runs left there
        _profile = Path(tempfile.mkdtemp(prefix=owned_prefix(PROFILE_PREFIX)))
        atexit.register(_remove_profile, _profile, _profile_pid)
        items = "".join(f'<item oor:path="{path}"><prop oor:name="{name}" oor:op="fuse"><value>{value}</value></prop>'
                        f"</item>\n" for path, name, _, value in OFFLINE_SETTINGS)
        (_profile / "user").mkdir()
        (_profile / "user" / "registrymodifications.xcu").write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
            'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
            f"{items}</oor:items>\n", encoding="utf-8")
    return _profile


def _remove_profile(profile: Path, owner: int) -> None:
    if os.getpid() == owner:  # a forked child that exits normally runs its parent's exit hooks too
        shutil.rmtree(profile, ignore_errors=True)


_isolation: list[str] | None = None


def isolation() -> list[str]:
    """The command prefix that runs soffice without a network (``[]`` where the system allows none)."""
    global _isolation
    if _isolation is None:
        _isolation = []
        tool = shutil.which("unshare")
        for prefix in ([tool, "--net", "--"], [tool, "--user", "--map-root-user", "--net", "--"]) if tool else ():
            try:
                ok = subprocess.run([*prefix, "true"], capture_output=True, timeout=10).returncode == 0
            except (OSError, subprocess.TimeoutExpired):
                ok = False
            if ok:
                _isolation = prefix
                break
    return _isolation


def convert(files: dict[str, bytes], target: str, path: str, timeout: float = TIMEOUT_S,
            infilter: str | None = None) -> dict[str, bytes]:
    """Convert files with one soffice run.

    Args:
        files: file name (with the extension that tells soffice the input type) → bytes.
        target: ``--convert-to`` argument, e.g. ``"docx"`` or ``"pdf"``.
        path: the name used in error messages.
        infilter: the import filter, when the extension would choose another one
            (``"HTML (StarWriter)"`` opens HTML in Writer rather than Writer/Web).

    Returns:
        input name → converted bytes, for every input.

    Raises:
        ConversionError: soffice missing, failed, timed out or skipped a file.
    """
    exe = executable()
    if exe is None:
        raise ConversionError(path, f"needs LibreOffice to convert to {target}, which is not installed: {INSTALL_HINT}")
    ext = target.split(":", 1)[0]
    with _lock, tempfile.TemporaryDirectory(prefix=owned_prefix(WORK_PREFIX)) as tmp:
        indir, outdir = Path(tmp, "in"), Path(tmp, "out")
        indir.mkdir()
        inputs = []
        for name, data in files.items():
            (indir / name).write_bytes(data)
            inputs.append(str(indir / name))
        cmd = [
            *isolation(),
            exe,
            f"-env:UserInstallation={_profile_dir().as_uri()}",
            "--headless", "--invisible", "--nologo", "--nodefault", "--norestore", "--nolockcheck",
            *([f"--infilter={infilter}"] if infilter else []),
            "--convert-to", target, "--outdir", str(outdir), *inputs,
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout, cwd=tmp, env={**os.environ, "HOME": tmp})
        except subprocess.TimeoutExpired:
            raise ConversionError(path, f"LibreOffice did not finish converting to {target} within {timeout:.0f} s") from None
        except OSError as exc:
            raise ConversionError(path, f"LibreOffice could not be started ({exc}): {INSTALL_HINT}") from None
        out: dict[str, bytes] = {}
        for name in files:
            result = outdir / f"{Path(name).stem}.{ext}"
            if not result.exists():
                detail = (proc.stderr or proc.stdout).decode("utf-8", "replace").strip().splitlines()
                reason = detail[-1] if detail else f"exit code {proc.returncode}"
                raise ConversionError(path, f"LibreOffice could not convert {name} to {target} ({reason})")
            out[name] = result.read_bytes()
        return out
