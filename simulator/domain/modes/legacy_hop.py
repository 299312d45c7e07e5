"""`legacy_hop` (2017-2021): one Primary owns every thread; Secondaries pass back (spec §1.2)."""

from __future__ import annotations

from typing import Any

from simulator.domain import errors
from simulator.domain.model import App, Mode, Role
from simulator.domain.modes.base import Ctx, ModeRules, RequestOutcome


class LegacyHopRules(ModeRules):
    mode = Mode.LEGACY_HOP
    expires = False  # legacy ownership never lapsed to idle
    has_release = False  # release/extend arrived with HOP v2

    def initial_owner(self, ctx: Ctx) -> str | None:
        return ctx.primary()

    def owner_for_user_input(self, ctx: Ctx) -> str | None:
        return ctx.primary()

    def check_send(self, ctx: Ctx, caller: App) -> None:
        """Early docs: either app may respond; `exclusive_send` gives the later 2018300 rule."""
        if ctx.page.exclusive_send:
            super().check_send(ctx, caller)

    def check_role_present(self, ctx: Ctx, caller: App) -> None:
        if ctx.primary() is not None and caller.role is Role.NONE and not caller.builtin:
            raise errors.OnlyReceivers()

    def resolve_pass(self, ctx: Ctx, caller: App, target: str | None) -> str:
        if ctx.owner is not None and ctx.owner != caller.id:
            raise errors.NotThreadOwnerAction()
        primary = ctx.primary()
        if caller.role is not Role.PRIMARY:
            # A Secondary can only pass back to the Primary; target_app_id is ignored (spec §1.2).
            if primary is None:
                raise errors.InvalidTargetApp()
            return primary
        if target is None:
            raise errors.ParameterRequired("target_app_id")
        target_app = ctx.app(target)
        if target_app is None or target_app.role is not Role.SECONDARY:
            raise errors.InvalidTargetApp()
        return target

    def check_take(self, ctx: Ctx, caller: App) -> bool:
        if caller.role is not Role.PRIMARY:
            raise errors.TakeNotAllowed()
        return ctx.owner != caller.id  # a Primary re-take is a no-op, not an error (spec §6.13)

    def resolve_request(self, ctx: Ctx, caller: App) -> RequestOutcome:
        if caller.role is Role.PRIMARY:
            raise errors.TakeNotAllowed("(#200) Permissions error: the Primary Receiver takes control, it does not request it")
        if ctx.owner == caller.id:
            raise errors.AlreadyOwner()
        # The Primary hears every request, whoever owns the thread (spec §1.5).
        return RequestOutcome(grant=False, notify_app_id=ctx.primary())

    def thread_owner_view(self, ctx: Ctx, caller: App) -> dict[str, Any]:
        owner = ctx.owner
        if owner is not None and caller.role is not Role.PRIMARY and owner not in (caller.id, ctx.primary()):
            raise errors.VisibilityDenied()
        return super().thread_owner_view(ctx, caller)
