"""The run's controls: typed commands, the queue that carries them to training, learning-rate rules.

One place that the dashboard (a click), :class:`~nbkeras.training.run.TrainingRun` (a call)
and a kernel interrupt all use. A command is given in any thread and applied by the
training thread at the next step boundary (:meth:`RunControls.take`), when the model is
between steps. Each command carries the id of the run it was given in: a Stop clicked
after a run ended never stops the next one.

The command names are the view's request names (``TrainingDashboard``'s ``@command``
handlers): one name from the button to the optimizer.
"""

from __future__ import annotations

import queue
from dataclasses import dataclass
from typing import Any, ClassVar

from nbkeras._keras import keras, tf
from nbkeras._validate import check_choice, check_number


def check_learning_rate(value: Any) -> float:
    """A learning rate a user typed or passed, as a float, or an error in Keras's wording.

    Example:
        >>> check_learning_rate(1e-3)
        0.001
    """
    return check_number("learning_rate", value, min_value=0, exclusive=True)


@dataclass(frozen=True)
class Command:
    """Something asked of the run with id ``run_id``; applied between two steps."""

    run_id: int
    name: ClassVar[str] = ""


@dataclass(frozen=True)
class Stop(Command):
    """End training after the current step; weights and history are kept.

    ``interrupt``: asked by a kernel interrupt, so the run ends ``"interrupted"``, not ``"stopped"``.
    """

    interrupt: bool = False
    name: ClassVar[str] = "stop"


@dataclass(frozen=True)
class SetLearningRate(Command):
    """Use ``value`` as the optimizer's learning rate from the next step on."""

    value: float
    name: ClassVar[str] = "set_learning_rate"

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", check_learning_rate(self.value))


@dataclass(frozen=True)
class Checkpoint(Command):
    """Save the model at the next step boundary."""

    name: ClassVar[str] = "checkpoint"


COMMANDS: dict[str, type[Command]] = {cls.name: cls for cls in (Stop, SetLearningRate, Checkpoint)}


class RunControls:
    """The commands of one monitor's runs: given from any thread, taken by the training thread.

    A run id is taken when a fit starts (:meth:`arm`); commands given from then on belong to
    that run, and :meth:`take` drops any other.

    Attributes:
        run_id: The id of the current (or last) run; 0 before any.
        armed: A fit has started and Keras has not yet begun it (``on_train_begin``).
        ended: The current run's end has been recorded.
    """

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[Command] = queue.SimpleQueue()
        self.run_id = 0
        self.armed = False
        self.ended = True

    # -- the run's life ------------------------------------------------------------------
    def arm(self) -> int:
        """A fit is starting: commands from now on belong to it (idempotent until it begins)."""
        if not self.armed:
            self.run_id += 1
            self.armed = True
            self.ended = False
        return self.run_id

    def begin(self) -> None:
        """Keras began the run (a fit that skipped :meth:`arm`, a custom loop, is armed here)."""
        self.arm()
        self.armed = False

    def end(self) -> None:
        """The run's end is recorded; commands given from now on are dropped by the next run."""
        self.ended, self.armed = True, False

    # -- giving (any thread) ---------------------------------------------------------------
    def give(self, command: Command) -> None:
        self._queue.put(command)

    def request(self, name: str, value: Any = None) -> Command:
        """Give the command named ``name`` (``"stop"``, ``"set_learning_rate"``, ``"checkpoint"``).

        Raises:
            ValueError: No such command, or the value is not what the command takes.
        """
        cls = COMMANDS[check_choice("command", name, COMMANDS)]
        command = cls(self.run_id, value) if cls is SetLearningRate else cls(self.run_id)
        self.give(command)
        return command

    def stop(self, *, interrupt: bool = False) -> None:
        self.give(Stop(self.run_id, interrupt))

    def set_learning_rate(self, value: Any) -> None:
        self.give(SetLearningRate(self.run_id, value))

    def checkpoint(self) -> None:
        self.give(Checkpoint(self.run_id))

    # -- taking (the training thread) -------------------------------------------------------
    def take(self) -> list[Command]:
        """The commands given for the current run since the last call, oldest first."""
        out = []
        while not self._queue.empty():
            command = self._queue.get_nowait()
            if command.run_id == self.run_id:
                out.append(command)
        return out


def _host_value(variable: Any) -> Any:
    """A scalar variable's value on the host. ``float(variable)`` is not enough: under a
    ``tf.distribute`` strategy a Keras variable wraps a ``MirroredVariable``, which ``float()``
    refuses (the rate then read as unknown: an empty learning-rate chart)."""
    if isinstance(variable, (int, float)):
        return variable
    return keras().ops.convert_to_numpy(variable)


class LearningRate:
    """The optimizer's learning rate as the run reads and sets it.

    Reading the optimizer's variables is a device-to-host sync (on a GPU, one per step that
    Keras does not do). So the rate is read at train and epoch begin and after a
    learning-rate command (ReduceLROnPlateau and schedulers act between epochs); a per-step
    ``LearningRateSchedule`` is evaluated on the host at each step's iteration count, the
    value ``optimizer.learning_rate`` reads after the step.
    """

    def __init__(self) -> None:
        self.value: float | None = None  # the last value read from the optimizer
        self._schedule: Any = None  # the optimizer's LearningRateSchedule, if it has one
        self._iterations0 = 0  # optimizer.iterations when the current epoch began

    def read(self, optimizer: Any) -> float | None:
        """Read the rate (and whether a schedule drives it) from the optimizer now."""
        schedule = getattr(optimizer, "_learning_rate", None)
        self._schedule = schedule if isinstance(schedule, keras().optimizers.schedules.LearningRateSchedule) else None
        try:
            self.value = float(_host_value(optimizer.learning_rate))
        except (AttributeError, TypeError, ValueError):  # an optimizer without a readable rate
            self.value = None
        return self.value

    def epoch_begin(self, optimizer: Any) -> None:
        self.read(optimizer)
        if self._schedule is not None:  # per-step schedules are evaluated on the host from here
            self._iterations0 = int(_host_value(optimizer.iterations))

    def at(self, batch: int) -> float | None:
        """The rate of the step that ended with ``batch`` (its index in the epoch)."""
        if self._schedule is None:
            return self.value
        try:
            with tf().device("/CPU:0"):
                return float(self._schedule(self._iterations0 + batch + 1))
        except Exception:  # noqa: BLE001 - a schedule that needs more than a step number
            return self.value

    def set(self, optimizer: Any, value: float) -> float:
        """Give the optimizer a new rate (the next step uses it); return what it reads back.

        Raises:
            ValueError: The optimizer's rate is a ``LearningRateSchedule``.
        """
        try:
            # Keras assigns into the optimizer's learning-rate variable.
            optimizer.learning_rate = check_learning_rate(value)
        except TypeError as exc:  # compiled with a LearningRateSchedule
            raise ValueError(f"The learning rate cannot be set during this run: {exc}") from None
        return self.read(optimizer)
