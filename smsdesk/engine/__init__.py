"""Use cases shared by the window and the command line: import, compose, send, report.

The engine wires storage, importers and providers to the core. It holds no Qt: the GUI runs
these functions on worker threads, the CLI runs them directly.
"""
