"""The one error type services raise; pages and the API each render it their own way."""


class ServiceError(Exception):
    """A refusal a person can act on: a contract error code, a sentence and per-field messages."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int = 422,
        fields: dict[str, str] | None = None,
        extra: dict | None = None,
    ):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.fields = fields or {}
        #: more members of the API's error body beside code, message and fields (an import's rows)
        self.extra = extra or {}

    def detail(self) -> dict:
        """The API error body's `error` member for this refusal."""
        return {"code": self.code, "message": self.message, "fields": self.fields, **self.extra}


class NotFound(ServiceError):
    def __init__(self, what: str):
        super().__init__("not_found", f"No {what} has that id.", status=404)
