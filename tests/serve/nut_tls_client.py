#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A NUT client over STARTTLS with Python's ssl module, for tests/serve/test_nut_tls.cpp.

Usage: nut_tls_client.py [--pipelined] HOST PORT CAFILE [REQUEST...]

Connects to HOST:PORT, sends STARTTLS, expects "OK STARTTLS", then does the TLS handshake
verifying the server's certificate against CAFILE and HOST (an IP address is checked against
the certificate's subjectAltName). Then sends each REQUEST and prints each reply line
(LIST replies to their END line). Prints "TLS <version>" after the handshake. --pipelined:
every request in one write, then the replies. Exit 0; 2 when
the certificate is refused (the reason on stderr); 3 when STARTTLS is refused.
"""
import socket
import ssl
import sys


def reply(stream, request):
    lines = [stream.readline().decode().rstrip("\n")]
    if request.upper().startswith("LIST ") and lines[0].startswith("BEGIN LIST"):
        while not lines[-1].startswith("END LIST"):
            lines.append(stream.readline().decode().rstrip("\n"))
    return lines


def main():
    args = sys.argv[1:]
    pipelined = args[:1] == ["--pipelined"]
    if pipelined:
        args = args[1:]
    host, port, cafile, requests = args[0], int(args[1]), args[2], args[3:]
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    raw = socket.socket(family, socket.SOCK_STREAM)
    raw.settimeout(10)
    raw.connect((host, port))
    raw.sendall(b"STARTTLS\n")
    answer = b""
    while not answer.endswith(b"\n"):
        chunk = raw.recv(1)  # byte by byte: nothing of the TLS stream may be read here
        if not chunk:
            break
        answer += chunk
    if answer != b"OK STARTTLS\n":
        print(answer.decode(errors="replace").rstrip("\n"))
        return 3
    context = ssl.create_default_context(cafile=cafile)
    try:
        tls = context.wrap_socket(raw, server_hostname=host)
    except ssl.SSLCertVerificationError as e:
        print(f"certificate refused: {e.verify_message}", file=sys.stderr)
        return 2
    print(f"TLS {tls.version()}")
    stream = tls.makefile("rb")
    if pipelined:
        tls.sendall(b"".join(r.encode() + b"\n" for r in requests))
        for request in requests:
            for line in reply(stream, request):
                print(line)
        requests = []
    for request in requests:
        tls.sendall(request.encode() + b"\n")
        for line in reply(stream, request):
            print(line)
    tls.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
