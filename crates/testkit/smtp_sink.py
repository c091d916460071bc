"""The SMTP server of Leerweek's tests and bench: aiosmtpd, a real SMTP server, listening on a
socket it inherits (bound by the caller, so no port is picked and hoped to be free). Every
message it accepts is written as one .eml file into DIR (unless DIR is "-"), and announced with a
line "+" on standard output. Prints "ready" when it listens; stops on SIGTERM/SIGINT or SIGKILL.
A recipient whose address starts with "weiger" is refused the way real servers do it, with the
address in the answer (550 5.1.1 <address>: Recipient address rejected).

    python3 smtp_sink.py FD DIR
"""
import asyncio
import os
import signal
import socket
import sys
import time
import uuid

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, directory):
        self.directory = directory

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().startswith("weiger"):
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.directory:
            name = os.path.join(self.directory, f"{time.time_ns()}-{uuid.uuid4().hex}.eml")
            with open(name + ".tmp", "wb") as f:
                f.write(envelope.original_content or envelope.content)
            os.rename(name + ".tmp", name)
        sys.stdout.write("+\n")
        sys.stdout.flush()
        return "250 OK"


async def main():
    fd, directory = int(sys.argv[1]), sys.argv[2]
    if directory == "-":
        directory = None
    else:
        os.makedirs(directory, exist_ok=True)
    sock = socket.socket(fileno=fd)
    loop = asyncio.get_running_loop()
    handler = Sink(directory)
    server = await loop.create_server(lambda: SMTP(handler, hostname="leerweek-test-sink"), sock=sock, backlog=128)
    print("ready", flush=True)
    stop = asyncio.Event()
    for s in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(s, stop.set)
    await stop.wait()
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
