#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# A minimal SMTP receiver for tests: one session on 127.0.0.1, the mail written to a file.
"""Usage: smtp_receiver.py PORTFILE OUTFILE

Listens on 127.0.0.1 on a free port and writes that port to PORTFILE (via a
rename, so a reader never sees half of it). Serves one SMTP session
(RFC 5321: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT; no TLS, no AUTH),
undoes dot-stuffing, and writes to OUTFILE:

    MAIL FROM:<a@b>
    RCPT TO:<c@d>
    ...
    <empty line>
    <the message exactly as received, CRLF kept, dots unstuffed>

Exits 0 after QUIT, 1 on a protocol error or after 20 s without a session.
"""
import os
import socket
import sys


def serve(conn, out_path):
    reader = conn.makefile("rb")

    def reply(text):
        conn.sendall(text.encode() + b"\r\n")

    envelope = []
    reply("220 127.0.0.1 test receiver")
    while True:
        line = reader.readline()
        if not line:
            return 1
        command = line.decode("utf-8", "replace").rstrip("\r\n")
        verb = command[:4].upper()
        if verb in ("EHLO", "HELO"):
            reply("250-127.0.0.1 hello" if verb == "EHLO" else "250 127.0.0.1 hello")
            if verb == "EHLO":
                reply("250 8BITMIME")
        elif verb in ("MAIL", "RCPT"):
            envelope.append(command)
            reply("250 OK")
        elif verb == "DATA":
            reply("354 end with <CRLF>.<CRLF>")
            message = read_data(reader)
            with open(out_path + ".tmp", "wb") as out:
                out.write("\n".join(envelope).encode() + b"\n\n" + message)
            os.rename(out_path + ".tmp", out_path)
            reply("250 OK queued")
        elif verb in ("RSET", "NOOP"):
            reply("250 OK")
        elif verb == "QUIT":
            reply("221 bye")
            return 0
        else:
            reply("502 not implemented")


def read_data(reader):
    lines = []
    while True:
        line = reader.readline()
        if line in (b".\r\n", b""):
            return b"".join(lines)
        if line.startswith(b"."):
            line = line[1:]  # RFC 5321 §4.5.2: the client doubled it
        lines.append(line)


def main():
    port_file, out_path = sys.argv[1], sys.argv[2]
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(20)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(server.getsockname()[1]))
    os.rename(port_file + ".tmp", port_file)
    try:
        conn, _ = server.accept()
    except socket.timeout:
        return 1
    conn.settimeout(20)
    with conn:
        return serve(conn, out_path)


if __name__ == "__main__":
    sys.exit(main())
