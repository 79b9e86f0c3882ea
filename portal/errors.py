"""Domain errors: services raise them with a translated message; views show it."""


class DomainError(Exception):
    """A rule of the domain refused the action. `str(error)` is the translated message."""

    def __init__(self, message: object, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


class NotAllowed(DomainError):
    """The acting user may not do this here."""
