"""Loaded at interpreter start when this folder is on PYTHONPATH: refuse and log every non-loopback
lookup or connection, so a test can read what a process tried to reach (and nothing leaves).

The log file is named by ATTNVIZ_NETGUARD_LOG; one line per attempt: "<call> <host> <port>".
"""
import os
import socket

_LOG = os.environ.get("ATTNVIZ_NETGUARD_LOG")
_LOCAL = {None, "", "localhost", "127.0.0.1", "::1", "0.0.0.0", "::", b"localhost", b"127.0.0.1"}


def _local(host) -> bool:
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    return host in _LOCAL or (isinstance(host, str) and host.startswith("127."))


def _refuse(call: str, host, port) -> None:
    if _LOG:
        with open(_LOG, "a") as f:
            f.write(f"{call} {host} {port}\n")
    raise OSError(f"netguard: {call} to {host}:{port} refused (a test forbids non-loopback traffic)")


if _LOG:
    _getaddrinfo = socket.getaddrinfo
    _gethostbyname = socket.gethostbyname
    _gethostbyname_ex = socket.gethostbyname_ex
    _connect = socket.socket.connect
    _connect_ex = socket.socket.connect_ex
    _sendto = socket.socket.sendto

    def getaddrinfo(host, port, *args, **kwargs):
        if not _local(host):
            _refuse("getaddrinfo", host, port)
        return _getaddrinfo(host, port, *args, **kwargs)

    def gethostbyname(host):
        if not _local(host):
            _refuse("gethostbyname", host, None)
        return _gethostbyname(host)

    def gethostbyname_ex(host):
        if not _local(host):
            _refuse("gethostbyname_ex", host, None)
        return _gethostbyname_ex(host)

    def _check(self, address, call):
        if self.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple) and not _local(address[0]):
            _refuse(call, address[0], address[1])

    def connect(self, address):
        _check(self, address, "connect")
        return _connect(self, address)

    def connect_ex(self, address):
        _check(self, address, "connect_ex")
        return _connect_ex(self, address)

    def sendto(self, data, *args):
        _check(self, args[-1], "sendto")
        return _sendto(self, data, *args)

    socket.getaddrinfo, socket.gethostbyname, socket.gethostbyname_ex = getaddrinfo, gethostbyname, gethostbyname_ex
    socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto = connect, connect_ex, sendto
