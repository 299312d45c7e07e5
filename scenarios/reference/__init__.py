"""Reference systems under test (contact centre, bot) with a catalogue of switchable defects."""

from scenarios.reference.runner import RunningSut, start_reference_sut

__all__ = ["RunningSut", "start_reference_sut"]
