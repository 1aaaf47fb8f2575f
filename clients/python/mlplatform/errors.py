"""What the client raises: the platform's RFC 9457 problem details as an ApiError, anything else as a PlatformError."""


class PlatformError(Exception):
    """The platform could not be reached, or a file could not be read."""


class ApiError(PlatformError):
    """The platform refused a call: its HTTP status and problem details (title, detail, errors per field)."""

    def __init__(self, method, path, status, problem):
        self.method = method
        self.path = path
        self.status = status
        self.problem = problem if isinstance(problem, dict) else {}
        self.title = self.problem.get("title")
        self.detail = self.problem.get("detail")
        errors = self.problem.get("errors") or {}
        # {"distance": ["…"]} → {"distance": "…"}; a field's messages joined.
        self.errors = {field: "; ".join(map(str, messages)) if isinstance(messages, list) else str(messages) for field, messages in errors.items()}
        lines = [f"{method} {path}: {status} {self.title or ''}".rstrip()]
        if self.detail:
            lines.append(f"  {self.detail}")
        lines.extend(f"  {field}: {message}" for field, message in self.errors.items())
        if not isinstance(problem, dict) and problem:
            lines.append(f"  {str(problem).strip()[:500]}")
        super().__init__("\n".join(lines))
