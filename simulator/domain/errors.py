"""Graph API errors as declared classes: code, subcode, type and HTTP status live on the class.

One serialiser (`GraphError.envelope`) writes Meta's error envelope (spec §2.1), so every layer
raises a class and never formats an error body by hand.
"""

from __future__ import annotations

from typing import Any, ClassVar

from simulator.domain.ids import new_fbtrace_id


class GraphError(Exception):
    """Base of every error the fake Graph API answers with."""

    code: ClassVar[int] = 1
    subcode: ClassVar[int | None] = None
    type: ClassVar[str] = "OAuthException"
    status: ClassVar[int] = 400
    message: ClassVar[str] = "An unknown error occurred"
    transient: ClassVar[bool] = False

    def __init__(self, message: str | None = None, **extra: Any) -> None:
        self.text = message or self.message
        self.extra = extra
        super().__init__(self.text)

    def envelope(self) -> dict[str, Any]:
        error: dict[str, Any] = {"message": self.text, "type": self.type, "code": self.code}
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        if self.transient:
            error["is_transient"] = True
        error.update(self.extra)
        error["fbtrace_id"] = new_fbtrace_id()
        return {"error": error}

    def www_authenticate(self) -> str:
        kind = "invalid_token" if self.code in (190, 104) else "invalid_request"
        return f'OAuth "Facebook Platform" "{kind}" "{self.text}"'


class CustomGraphError(GraphError):
    """An error injected by a fault plan, with any code/subcode/status."""

    def __init__(self, code: int, subcode: int | None, status: int, message: str,
                 type_: str = "OAuthException", transient: bool = False) -> None:
        super().__init__(message)
        self._code, self._subcode, self._status, self._type, self._transient = code, subcode, status, type_, transient

    @property  # type: ignore[override]
    def code(self) -> int:  # noqa: D401 - instance overrides of the class attributes
        return self._code

    @property  # type: ignore[override]
    def subcode(self) -> int | None:
        return self._subcode

    @property  # type: ignore[override]
    def status(self) -> int:
        return self._status

    @property  # type: ignore[override]
    def type(self) -> str:
        return self._type

    @property  # type: ignore[override]
    def transient(self) -> bool:
        return self._transient


# -- authentication (spec §2.0) ----------------------------------------------------------------
class MissingToken(GraphError):
    code, message = 104, "An access token is required to request this resource."


class InvalidToken(GraphError):
    code, message = 190, "Invalid OAuth access token - Cannot parse access token"


class InvalidAppSecretProof(GraphError):
    code, type, message = 100, "GraphMethodException", "Invalid appsecret_proof provided in the API argument"


class AppSecretProofRequired(GraphError):
    # Assumption: exact wording unverified (spec §2.0).
    code, type, message = 100, "GraphMethodException", "API calls from the server require an appsecret_proof argument"


# -- paths and parameters ----------------------------------------------------------------------
class UnknownPath(GraphError):
    code, message = 2500, "Unknown path components"

    def __init__(self, path: str) -> None:
        super().__init__(f"Unknown path components: {path}")


class UnsupportedRequest(GraphError):
    code, subcode, type = 100, 33, "GraphMethodException"

    def __init__(self, method: str, object_id: str) -> None:
        super().__init__(
            f"Unsupported {method.lower()} request. Object with ID '{object_id}' does not exist, cannot be "
            "loaded due to missing permissions, or does not support this operation. Please read the "
            "Graph API documentation at https://developers.facebook.com/docs/graph-api")


class ParameterRequired(GraphError):
    code = 100

    def __init__(self, name: str) -> None:
        super().__init__(f"(#100) The parameter {name} is required")


class InvalidParameter(GraphError):
    code, message = 100, "(#100) Invalid parameter"


class NoMatchingUser(GraphError):
    code, subcode, message = 100, 2018001, "(#100) No matching user found"


class BodyTooLarge(GraphError):
    code, subcode, message = 100, 2018109, "(#100) Attachment size exceeds allowable limit"


class MessageAndActionTogether(GraphError):
    code, subcode, message = 100, 2018014, "(#100) Cannot send both message and state at the same time."


class EmptyMessage(GraphError):
    code, subcode, message = 100, 2018034, "(#100) Message cannot be empty."


class DeprecatedTag(GraphError):
    # Assumption: subcode 1893061 is a user report (spec §5.2, §6.16).
    code, subcode = 100, 1893061
    message = "(#100) Param tag must be one of {CUSTOMER_FEEDBACK, HUMAN_AGENT}. This tag was deprecated on April 27, 2026."


class NoProfile(GraphError):
    code, subcode, message = 100, 2018218, "(#100) No profile available for this user"


# -- handover and sending (spec §1.7, §2.2-2.10) -----------------------------------------------
class NotThreadOwnerSend(GraphError):
    code, subcode = 10, 2018300
    message = "(#10) Message failed to send because another app is controlling this thread now."


class OutsideWindow(GraphError):
    code, subcode = 10, 2018278
    message = ("(#10) This message is sent outside of allowed window. Learn more about the new policy here: "
               "https://developers.facebook.com/docs/messenger-platform/policy-overview")


class NotThreadOwnerAction(GraphError):
    # Assumption: Meta lists 2534037 (mostly Instagram) for thread-owner-only actions (spec §2.3).
    code, subcode, message = 100, 2534037, "(#100) The action is invalid since it's not the thread owner."


class InvalidTargetApp(GraphError):
    # Assumption: code unverified (spec §2.3); an invalid target reads as a bad parameter.
    code = 100
    message = "(#100) Invalid target_app_id: the app is not connected to this Page or cannot receive thread control"


class PassToSelf(GraphError):
    # Assumption: code unverified; the IG doc says an owner cannot pass to itself.
    code, message = 100, "(#100) The app already controls this thread and cannot pass it to itself"


class TakeNotAllowed(GraphError):
    # Assumption: spec §2.4 names 200 "Permissions error" as the likeliest code.
    code, message = 200, "(#200) Permissions error: this app is not allowed to take thread control"


class AlreadyOwner(GraphError):
    # Assumption: observed as an error, code unknown (spec §1.2, §2.5).
    code, message = 100, "(#100) The app is already the thread owner"


class OnlyReceivers(GraphError):
    # Assumption: exact trigger unverified (spec §1.2); code 10 as for permission errors.
    code, subcode, message = 10, 2018171, "(#10) Only available to Primary and Secondary Receivers"


class PrimaryOnly(GraphError):
    # Assumption: code unverified (spec §1.2) for a Secondary calling a Primary-only edge.
    code, message = 10, "(#10) Only the Primary Receiver can call this API"


class VisibilityDenied(GraphError):
    code, subcode = 100, 2018234
    message = "(#100) Denying visibility of any secondary receiver to another secondary receiver other than itself."


class NotInThisMode(GraphError):
    # Assumption: release/extend/thread_control did not exist before HOP v2; code unverified.
    code, message = 100, "(#100) This API is not available for the Page's handover configuration"


class HumanAgentPermission(GraphError):
    # Assumption: code for a missing Human Agent permission unverified (spec §5.2).
    code, message = 10, "(#10) Application does not have permission for this action: HUMAN_AGENT tag requires the Human Agent feature"


# -- faults and limits ------------------------------------------------------------------------
class RateLimited(GraphError):
    code, message, transient = 613, "(#613) Calls to this api have exceeded the rate limit.", True


class AppRequestLimit(GraphError):
    code, message, transient = 4, "(#4) Application request limit reached", True


class TemporarySendFailure(GraphError):
    code, status, message, transient = 1200, 500, "Temporary send message failure. Please try again later.", True


FAULT_PRESETS: dict[str, type[GraphError]] = {
    "rate_limit": RateLimited,
    "app_limit": AppRequestLimit,
    "temporary": TemporarySendFailure,
    "not_owner": NotThreadOwnerSend,
    "outside_window": OutsideWindow,
}
