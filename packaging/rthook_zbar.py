"""PyInstaller runtime hook (packaging/checkin-desk.spec): pyzbar loads the bundle's libzbar.

On Linux and macOS pyzbar asks `ctypes.util.find_library("zbar")`, which searches the system
(ldconfig's cache, /usr/lib ...) and never the bundle: a machine without zbar would lose the
decoder, and one with another zbar would load that. So, before anything imports pyzbar, its
loader is pointed at the copy inside the bundle (sys._MEIPASS). Windows needs nothing: pyzbar
loads its own DLLs from its folder, which the bundle keeps.
"""

import os
import sys


def _bundled_zbar() -> str | None:
    names = {"linux": ("libzbar.so.0", "libzbar.so"),
             "darwin": ("libzbar.0.dylib", "libzbar.dylib")}
    for name in names.get("darwin" if sys.platform == "darwin" else
                          "linux" if sys.platform.startswith("linux") else "", ()):
        path = os.path.join(sys._MEIPASS, name)
        if os.path.isfile(path):
            return path
    return None


def _point_pyzbar_at_the_bundle() -> None:
    path = _bundled_zbar()
    if path is None:
        return  # not bundled (a build machine without zbar): pyzbar reports it as usual
    try:
        from pyzbar import zbar_library
    except ImportError:
        return
    system_find_library = zbar_library.find_library

    def find_library(name):
        return path if name == "zbar" else system_find_library(name)

    zbar_library.find_library = find_library


_point_pyzbar_at_the_bundle()
