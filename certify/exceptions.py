class CertifyError(Exception):
    """A domain rule refused an action; the message tells a person what to do."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return str(self.message)


class InvalidTransition(CertifyError):
    """The object is not in a state from which this action is allowed."""


class NotAllowed(CertifyError):
    """The acting user may not take this action."""
