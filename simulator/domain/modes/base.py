"""Ownership rules shared by every protocol mode; each mode module overrides what differs.

A rule either returns a decision or raises a `GraphError`. Rules never change state: the
platform applies the decision, so every mode is testable as a table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulator.domain import errors
from simulator.domain.model import PAGE_INBOX_APP_ID, App, Mode, PageSettings, Role, Thread


@dataclass
class Ctx:
    """What a rule may read: the page settings, the connected apps, and the thread."""

    page: PageSettings
    apps: dict[str, App]
    thread: Thread
    now_ms: int = 0

    @property
    def owner(self) -> str | None:
        return self.thread.owner_app_id

    def primary(self) -> str | None:
        return next((a.id for a in self.apps.values() if a.role is Role.PRIMARY), None)

    def app(self, app_id: str | None) -> App | None:
        return self.apps.get(str(app_id)) if app_id is not None else None


@dataclass(frozen=True)
class RequestOutcome:
    """`grant`: the caller becomes owner now; otherwise `notify_app_id` gets a request event."""

    grant: bool
    notify_app_id: str | None = None


class ModeRules:
    """Defaults written for HOP v2 semantics; legacy and CR override what differs."""

    mode: Mode = Mode.HOP_V2
    expires: bool = True  # ownership returns to idle after idle_expiry_s (spec §1.3, §1.4)
    has_release: bool = True
    inbox_reply_takes: bool = False  # CR: a human reply in the Inbox is an implicit take (spec §1.4)

    # -- who owns a thread ---------------------------------------------------------------------
    def initial_owner(self, ctx: Ctx) -> str | None:
        """Owner of a brand-new thread."""
        return None

    def owner_for_user_input(self, ctx: Ctx) -> str | None:
        """Who gets control when the user writes into an idle thread (None: stays idle)."""
        return ctx.primary()

    def broadcast(self, ctx: Ctx) -> bool:
        """True when every app gets `messaging` (nobody owns and nobody is entitled to)."""
        return ctx.owner is None and self.owner_for_user_input(ctx) is None

    # -- sending ---------------------------------------------------------------------------------
    def check_send(self, ctx: Ctx, caller: App) -> None:
        """Spec §1.3: exclusive send; any app may send into an idle thread."""
        if ctx.owner is not None and ctx.owner != caller.id:
            raise errors.NotThreadOwnerSend()

    # -- handover --------------------------------------------------------------------------------
    def resolve_pass(self, ctx: Ctx, caller: App, target: str | None) -> str:
        """New owner for a pass by `caller`; raises when the caller may not pass."""
        if ctx.owner is not None and ctx.owner != caller.id:
            raise errors.NotThreadOwnerAction()
        if target is None:
            target = self.default_pass_target(ctx, caller)
        self._check_target(ctx, target)
        if target == caller.id and ctx.owner == caller.id:
            raise errors.PassToSelf()
        return target

    def default_pass_target(self, ctx: Ctx, caller: App) -> str:
        primary = ctx.primary()
        if primary is None or primary == caller.id:
            raise errors.ParameterRequired("target_app_id")
        return primary

    def _check_target(self, ctx: Ctx, target: str) -> None:
        app = ctx.app(target)
        if app is None:
            raise errors.InvalidTargetApp()

    def check_take(self, ctx: Ctx, caller: App) -> bool:
        """True if the take changes the owner; False for an allowed no-op."""
        primary = ctx.primary()
        if ctx.owner == caller.id:
            if caller.id == primary:
                return False  # spec §6.13: a Primary re-take is not an error
            raise errors.AlreadyOwner()
        if ctx.owner is None or caller.id == primary:
            return True
        raise errors.TakeNotAllowed()

    def resolve_request(self, ctx: Ctx, caller: App) -> RequestOutcome:
        if ctx.owner == caller.id:
            raise errors.AlreadyOwner()
        if ctx.owner is None:
            # Assumption: as on Instagram/CR, requesting an idle thread grants it (spec §2.5).
            return RequestOutcome(grant=True)
        return RequestOutcome(grant=False, notify_app_id=ctx.owner)

    def check_release(self, ctx: Ctx, caller: App) -> None:
        if not self.has_release:
            raise errors.NotInThisMode()
        if ctx.owner != caller.id:
            raise errors.NotThreadOwnerAction()

    def check_extend(self, ctx: Ctx, caller: App, duration_s: int) -> None:
        if not self.has_release:
            raise errors.NotInThisMode()
        if ctx.owner != caller.id:
            raise errors.NotThreadOwnerAction()
        if duration_s <= 0 or duration_s > ctx.page.max_extend_s:
            raise errors.InvalidParameter(
                f"(#100) duration must be between 1 and {ctx.page.max_extend_s} seconds")

    def take_recipients(self, ctx: Ctx, previous: str | None, new: str) -> list[str]:
        """Who hears of a take. Assumption (spec §1.5 conflict): the previous owner only, and
        nobody when the thread was idle, as the Instagram doc says."""
        return [previous] if previous else []

    def move_to_main(self, ctx: Ctx) -> str:
        """What the Inbox's "Move to Main" does: `request` (ask the owner) or `take`."""
        return "request"

    # -- reading ---------------------------------------------------------------------------------
    def thread_owner_view(self, ctx: Ctx, caller: App) -> dict[str, Any]:
        """Body of GET thread_owner for `caller` (spec §2.9). Assumption: idle -> empty data."""
        if ctx.owner is None:
            return {"data": []}
        return {"data": [{"thread_owner": {"app_id": ctx.owner}}]}

    def check_secondary_receivers(self, ctx: Ctx, caller: App) -> None:
        if caller.role is not Role.PRIMARY:
            raise errors.PrimaryOnly()

    def check_role_present(self, ctx: Ctx, caller: App) -> None:
        """Handover edges need a role only in legacy pages that have roles configured."""

    def is_inbox(self, app_id: str | None) -> bool:
        return app_id == PAGE_INBOX_APP_ID
