"""Who may do what: viewer < operator < admin, from ROLE_ADMINS / ROLE_OPERATORS / ROLE_VIEWERS."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum

from bot.config import Settings
from bot.errors import NotAllowed


class Role(IntEnum):
    NONE = 0
    VIEWER = 1
    OPERATOR = 2
    ADMIN = 3

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Actor:
    """Who asked, from where: used for permission checks, the audit log and notifications."""

    id: str
    role: Role
    source: str  # 'cli', 'slack' or 'schedule'
    name: str | None = None
    channel: str | None = None
    thread_ts: str | None = None  # a message shortcut's message: answers go in its thread
    # Who can grant roles (the configured admins, Slack user and user-group ids), named in denials.
    granters: tuple[str, ...] = ()

    @property
    def display(self) -> str:
        return self.name or self.id

    def may(self, needed: Role) -> bool:
        return self.role >= needed


def role_for(settings: Settings, user_id: str, group_ids: Iterable[str] = ()) -> Role:
    """The highest role any of the user's ids grants.

    With no roles configured the sandbox lets everyone be admin (said at start); test and
    production let nobody write, so a forgotten setting can never open the door to money moves.
    """
    if not settings.roles_configured:
        return Role.ADMIN if settings.is_sandbox else Role.VIEWER
    ids = {user_id, *group_ids}
    if ids & settings.admins:
        return Role.ADMIN
    if ids & settings.operators:
        return Role.OPERATOR
    if ids & settings.viewers:
        return Role.VIEWER
    return Role.NONE


def mention(slack_id: str) -> str:
    """A Slack mention: '<@U0123>' for a user, '<!subteam^S0456>' for a user group."""
    return f"<!subteam^{slack_id}>" if slack_id.startswith("S") else f"<@{slack_id}>"


def who_can_grant(actor: Actor) -> str:
    """'an admin (<@U1>, <!subteam^S2>)', or whoever runs the bot when no admin is configured."""
    if not actor.granters:
        return "whoever runs billecta-bot"
    return "an admin (" + ", ".join(mention(item) for item in actor.granters) + ")"


def require(actor: Actor, needed: Role, what: str) -> None:
    if not actor.may(needed):
        have = actor.role.label if actor.role else "no role"
        raise NotAllowed(
            f"{what} needs the {needed.label} role; you have {have}. "
            f"Ask {who_can_grant(actor)} to give you the {needed.label} role."
        )


def shell_actor() -> Actor:
    """The person at the shell: whoever can run the CLI can already read and write the database."""
    import getpass

    return Actor(id=f"shell:{getpass.getuser()}", role=Role.ADMIN, source="cli", name=getpass.getuser())
