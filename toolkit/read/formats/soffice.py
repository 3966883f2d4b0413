"""LibreOffice (``soffice --headless --convert-to``) as a file converter.

Used to read legacy Word/WPS files (convert to DOCX) and to render DOCX to PDF
in the round-trip tests. Two facts shape this module:

- Two soffice processes sharing one user profile silently lose one of their
  outputs, so every process of ours gets its own ``-env:UserInstallation``
  profile directory, and calls within a process take turns on it (a lock).
- Starting soffice costs seconds, so :func:`convert` takes many files at once.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from toolkit.errors import ConversionError

INSTALL_HINT = "install LibreOffice (Debian: apt-get install libreoffice-writer-nogui) or convert it yourself"
TIMEOUT_S = 180

_lock = threading.Lock()
_profile: Path | None = None


def executable() -> str | None:
    """The soffice binary: $TOOLKIT_SOFFICE if set, else ``soffice``/``libreoffice`` on PATH."""
    env = os.environ.get("TOOLKIT_SOFFICE")
    if env:
        return env if Path(env).exists() else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def _profile_dir() -> Path:
    """This process's private LibreOffice profile (created once, removed at exit)."""
    global _profile
    if _profile is None:
        _profile = Path(tempfile.mkdtemp(prefix="toolkit-soffice-profile-"))
        atexit.register(shutil.rmtree, _profile, True)
    return _profile


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
    with _lock, tempfile.TemporaryDirectory(prefix="toolkit-soffice-") as tmp:
        indir, outdir = Path(tmp, "in"), Path(tmp, "out")
        indir.mkdir()
        inputs = []
        for name, data in files.items():
            (indir / name).write_bytes(data)
            inputs.append(str(indir / name))
        cmd = [
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
