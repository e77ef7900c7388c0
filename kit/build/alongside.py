"""A build step run in a forked process beside the others (the posters render while the engine
builds the pages and the documents are made): its result or its error comes back whole."""
from __future__ import annotations

import multiprocessing
import os
import signal
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from typing import Any


class StepStopped(Exception):
    """The step's process ended without a result (killed, or out of memory)."""


def _run(conn: Connection, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    os.setpgid(0, 0)  # a group of its own, so stopping it stops the workers it starts too
    start = time.perf_counter()
    try:
        outcome: tuple[str, Any] = ("ok", fn(*args))
    except BaseException as e:  # noqa: BLE001 - every failure goes back to the build
        outcome = ("error", e)
    try:
        conn.send((*outcome, time.perf_counter() - start))
    except Exception:  # an error that cannot be pickled: its text instead
        text = "".join(traceback.format_exception(outcome[1]))
        conn.send(("error", StepStopped(text), time.perf_counter() - start))
    conn.close()


class Step:
    def __init__(self, fn: Callable[..., Any], *args: Any):
        ctx = multiprocessing.get_context("fork")  # the child has the loaded project; nothing is pickled in
        self._conn, child = ctx.Pipe(duplex=False)
        self._process = ctx.Process(target=_run, args=(child, fn, args), name=getattr(fn, "__name__", "step"))
        self._process.start()
        child.close()
        self._outcome: tuple[str, Any] | None = None
        self.seconds = 0.0  # how long the step itself ran, once it has finished

    def _receive(self) -> tuple[str, Any]:
        if self._outcome is None:
            try:
                kind, value, self.seconds = self._conn.recv()
                self._outcome = (kind, value)
            except EOFError:
                self._process.join()
                self._outcome = ("error", StepStopped(f"the {self._process.name} step stopped without finishing "
                                                      f"(exit code {self._process.exitcode})"))
            self._process.join()
        return self._outcome

    def raise_if_failed(self) -> None:
        """Raise the step's error now if it has already failed (so a failing build stops early)."""
        if self._outcome is None and self._conn.poll():
            self._receive()
        if self._outcome is not None and self._outcome[0] == "error":
            raise self._outcome[1]

    def result(self) -> Any:
        kind, value = self._receive()
        if kind == "error":
            raise value
        return value

    def stop(self) -> None:
        if self._process.is_alive() and self._process.pid:
            try:
                os.killpg(self._process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        self._process.join()


@contextmanager
def alongside(fn: Callable[..., Any], *args: Any) -> Iterator[Step]:
    """`fn(*args)` in a forked process while the block runs; stopped if the block fails."""
    step = Step(fn, *args)
    try:
        yield step
    finally:
        step.stop()
