"""`conversation_routing` (2025-): a default app, a take toggle per app, the Inbox as an app (spec §1.4)."""

from __future__ import annotations

from typing import Any

from simulator.domain import errors
from simulator.domain.model import App, Mode
from simulator.domain.modes.base import Ctx, ModeRules, RequestOutcome


class ConversationRoutingRules(ModeRules):
    mode = Mode.CONVERSATION_ROUTING
    inbox_reply_takes = True

    def zero_config(self, ctx: Ctx) -> bool:
        return ctx.page.default_app_id is None

    def owner_for_user_input(self, ctx: Ctx) -> str | None:
        # Assumption: a user message into an idle thread gives control to the default app,
        # as the Primary gets it in HOP v2 ("idle threads are answered by the default app").
        return ctx.page.default_app_id

    def check_send(self, ctx: Ctx, caller: App) -> None:
        """Owner only; an idle thread only by the default app (any app in zero-config)."""
        if ctx.owner is None:
            if not self.zero_config(ctx) and caller.id != ctx.page.default_app_id:
                raise errors.NotThreadOwnerSend()
            return
        super().check_send(ctx, caller)

    def default_pass_target(self, ctx: Ctx, caller: App) -> str:
        if ctx.page.default_app_id is None:
            raise errors.ParameterRequired("target_app_id")
        return ctx.page.default_app_id

    def resolve_pass(self, ctx: Ctx, caller: App, target: str | None) -> str:
        if self.zero_config(ctx) and ctx.owner is None and target is None:
            return caller.id  # zero-config: pass is allowed when idle, "including itself"
        return super().resolve_pass(ctx, caller, target)

    def check_take(self, ctx: Ctx, caller: App) -> bool:
        if self.zero_config(ctx):
            raise errors.TakeNotAllowed("(#200) Permissions error: take_thread_control is not available without a default application")
        if not caller.can_take:
            raise errors.TakeNotAllowed()
        if ctx.owner == caller.id:
            raise errors.AlreadyOwner("(#100) You cannot take control to extend it: the app is already the thread owner")
        return True

    def resolve_request(self, ctx: Ctx, caller: App) -> RequestOutcome:
        if ctx.owner == caller.id:
            raise errors.AlreadyOwner()
        if ctx.owner is None:
            return RequestOutcome(grant=True)  # zero-config: the first caller wins
        return RequestOutcome(grant=False, notify_app_id=ctx.owner)

    def move_to_main(self, ctx: Ctx) -> str:
        return "take"  # "If you move a message to the Main folder ... the inbox takes control"

    def thread_owner_view(self, ctx: Ctx, caller: App) -> dict[str, Any]:
        """Full data to the owner or default app; others see only the expiration (spec §2.9)."""
        if ctx.owner is None:
            return {"data": []}
        owner: dict[str, Any] = {}
        if caller.id in (ctx.owner, ctx.page.default_app_id):
            owner["app_id"] = ctx.owner
        if ctx.thread.expires_at_ms is not None:
            owner["expiration"] = ctx.thread.expires_at_ms // 1000
        return {"data": [{"thread_owner": owner}]}

    def check_secondary_receivers(self, ctx: Ctx, caller: App) -> None:
        """Assumption: kept for compatibility; any connected app may list the receivers."""
