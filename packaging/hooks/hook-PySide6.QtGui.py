"""PyInstaller's own hook for PySide6.QtGui, minus three plugins the desk does not use and
that would each bring a heavy tail into the bundle (packaging/checkin-desk.spec):

- platforminputcontexts/*qtvirtualkeyboardplugin*: the on-screen keyboard, with QtQuick and
  QML (~20 MB); the desk types with a real keyboard or a scanner (a keyboard too);
- imageformats/*qpdf*: PDF as an image format, with QtPdf (~5 MB); badges are rendered with
  pypdfium2;
- platformthemes/*qgtk3*: GNOME's dialogs, linked against the system's GTK 3, which would
  mix the build machine's cairo, pango and friends with the user's GTK (Qt's own dialogs
  are used instead; the xdg-desktop-portal theme stays).

This file replaces the standard hook because it has the same name and the spec lists this
folder in `hookspath`; the plugins are dropped before PyInstaller follows their libraries.
"""

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

DROPPED = ("qtvirtualkeyboardplugin", "qpdf", "qgtk3")

hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = [(src, dest) for src, dest in binaries
            if not any(name in src.replace("\\", "/").rsplit("/", 1)[-1] for name in DROPPED)]
