"""A real SMTP server for the mail tests: aiosmtpd on 127.0.0.1:PORT, every message it accepts
written as one .eml file into DIR. Prints "ready" when it listens; stops on SIGTERM/SIGKILL.

    python3 tests/support/smtp_sink.py DIR PORT
"""
import os
import signal
import sys
import threading
import time
import uuid

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, directory):
        self.directory = directory

    async def handle_DATA(self, server, session, envelope):
        name = os.path.join(self.directory, f"{time.time_ns()}-{uuid.uuid4().hex}.eml")
        with open(name + ".tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(name + ".tmp", name)
        return "250 OK"


def main():
    directory, port = sys.argv[1], int(sys.argv[2])
    os.makedirs(directory, exist_ok=True)
    controller = Controller(Sink(directory), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
