"""One window per register: a second start brings the first window to the front.

The first window listens on a local socket (a named pipe on Windows) whose
name is derived from the register's path and the user; a second copy of the
program opened on the same register connects, sends ``show`` and exits. The
register's lock (``cdsdesk.storage.lock``) is what really keeps a second
writer out; this only makes the refusal friendly.
"""

from __future__ import annotations

import getpass
import hashlib
import os
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

SHOW = b"show\n"
CONNECT_TIMEOUT_MS = 1000


def server_name(location: str | Path) -> str:
    """A short socket name for one user's register (sockets are shared by all users)."""
    text = str(location)
    if "://" not in text:
        text = str(Path(text).expanduser().resolve())
        if os.name == "nt":
            text = text.casefold()  # C:\\Users\\A and c:\\users\\a are the same file
    try:
        user = getpass.getuser()
    except Exception:  # no login name: the path alone still tells registers apart
        user = ""
    digest = hashlib.sha256(f"{user}\0{text}".encode()).hexdigest()
    return f"cdsdesk-{digest[:24]}"


class SingleInstance(QObject):
    """Either tells a running window to come forward, or becomes the running window."""

    showRequested = Signal()

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._server: QLocalServer | None = None

    def notify_running(self, timeout_ms: int = CONNECT_TIMEOUT_MS) -> bool:
        """True when a window already listens under this name and was asked to show."""
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(timeout_ms):
            return False
        socket.write(SHOW)
        # The write may complete at once, leaving nothing for waitForBytesWritten to wait on.
        delivered = socket.waitForBytesWritten(timeout_ms) or socket.bytesToWrite() == 0
        socket.disconnectFromServer()
        if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
            socket.waitForDisconnected(timeout_ms)
        return delivered

    def listen(self) -> bool:
        """Start answering later starts. Call while holding the register's lock:
        any socket of that name left behind is then a crashed window's, safe to remove."""
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            QLocalServer.removeServer(self.name)
            if not server.listen(self.name):
                return False
        server.newConnection.connect(self._accept)
        self._server = server
        return True

    def close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server.deleteLater()  # with it the sockets it accepted
            self._server = None

    def _accept(self) -> None:
        assert self._server is not None
        while (socket := self._server.nextPendingConnection()) is not None:
            # The socket stays the server's child; a bound slot, so no lambda keeps it alive.
            socket.readyRead.connect(self._read_sender)
            socket.disconnected.connect(socket.deleteLater)
            self._read(socket)

    def _read_sender(self) -> None:
        socket = self.sender()
        if isinstance(socket, QLocalSocket):
            self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        if socket.canReadLine() and bytes(socket.readLine().data()) == SHOW:
            self.showRequested.emit()


def bring_to_front(window: QWidget) -> None:
    """Restore a minimised window and ask the system to activate it."""
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()
