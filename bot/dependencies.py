"""What a gateway process shares, and the typed FastAPI dependencies that hand it to routes.

``create_app`` builds one :class:`Gateway` and keeps it on the app; routes never read
``app.state`` themselves but declare what they need::

    async def route(db: DatabaseDep, settings: SettingsDep) -> ...

Tests can swap any part with ``app.dependency_overrides``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends
from starlette.requests import HTTPConnection

from bot.auth import LoginLimiter
from bot.handoff import HandoffService
from bot.hub import Hub
from bot.rasa_client import RasaClient
from bot.router import Router
from bot.settings import Settings
from bot.storage.database import Database

if TYPE_CHECKING:
    from bot.channels.telegram import TelegramChannel


@dataclass
class Gateway:
    """The services of one gateway process (built by :func:`bot.app.create_app`)."""

    settings: Settings
    db: Database
    rasa: RasaClient
    hub: Hub  # bot.hub.RedisHub with HUURHULP_REDIS_URL: events reach every gateway process
    handoff: HandoffService
    router: Router
    login_limiter: LoginLimiter
    telegram: TelegramChannel | None = None


def get_gateway(connection: HTTPConnection) -> Gateway:
    """The app's :class:`Gateway` (HTTP requests and WebSockets alike)."""
    gateway: Gateway = connection.app.state.gateway
    return gateway


GatewayDep = Annotated[Gateway, Depends(get_gateway)]


def get_settings(gateway: GatewayDep) -> Settings:
    """The gateway's settings."""
    return gateway.settings


def get_database(gateway: GatewayDep) -> Database:
    """The gateway's database."""
    return gateway.db


def get_router(gateway: GatewayDep) -> Router:
    """The router that handles tenant messages."""
    return gateway.router


def get_handoff(gateway: GatewayDep) -> HandoffService:
    """The human side: queue, claim, reply, release, close."""
    return gateway.handoff


def get_hub(gateway: GatewayDep) -> Hub:
    """Live updates (tenant WebSockets, console pages), across gateway processes with Redis."""
    return gateway.hub


def get_rasa(gateway: GatewayDep) -> RasaClient:
    """The client of the Rasa server."""
    return gateway.rasa


def get_telegram(gateway: GatewayDep) -> TelegramChannel | None:
    """The Telegram channel, or None when the gateway runs without it."""
    return gateway.telegram


def get_login_limiter(gateway: GatewayDep) -> LoginLimiter:
    """Failed console logins per username and address, and per address (shared through Redis
    when it is configured)."""
    return gateway.login_limiter


SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]
RouterDep = Annotated[Router, Depends(get_router)]
HandoffDep = Annotated[HandoffService, Depends(get_handoff)]
HubDep = Annotated[Hub, Depends(get_hub)]
RasaDep = Annotated[RasaClient, Depends(get_rasa)]
