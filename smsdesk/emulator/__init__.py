"""A faithful local imitation of the SMS providers' HTTP APIs, for tests and for trying the app.

It checks signatures, clocks and limits as the services do, records what it accepted, reports
delivery after a delay and misbehaves on demand (latency, 5xx, 429, timeouts, dropped
connections, garbage bodies, refused numbers).
"""

from smsdesk.emulator.cli import main
from smsdesk.emulator.service import DemoAccounts, Emulator
from smsdesk.emulator.state import AcceptedMessage, Fault, FaultKind, RequestRecord

__all__ = [
    "AcceptedMessage",
    "DemoAccounts",
    "Emulator",
    "Fault",
    "FaultKind",
    "RequestRecord",
    "main",
]
