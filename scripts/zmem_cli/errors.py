"""The one exception the tool reports: a user error with a one-line message."""


class ZmemError(Exception):
    """Printed as `zmem: error: <message>`; the tool then exits with status 1."""
