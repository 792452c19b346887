"""The one exception type that the workflow turns into a one-line error and a non-zero exit."""


class SynthvolError(Exception):
    """A user-facing error: bad input data, a bad parameter, a missing column.

    The message must be one line and name the file, key or row at fault.
    """


class ConfigError(SynthvolError):
    """A parameter failed validation; the message names the key."""


class DataError(SynthvolError):
    """An input file failed validation; the message names the file, row and column."""


class OutputError(SynthvolError):
    """An output could not be written (disk full, no permission); the message names it."""
