"""Health probes of the parts the gateway depends on."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import httpx
from anyio import to_thread

from bot.rasa_client import RasaClient
from bot.storage.database import Database


@dataclass(frozen=True)
class PartStatus:
    """Whether one part answers, and a short reason when it does not."""

    ok: bool
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON form for /healthz."""
        return {"ok": self.ok, "detail": self.detail} if self.detail else {"ok": self.ok}


async def action_server_status(action_url: str) -> PartStatus:
    """Probe the action server's /health endpoint."""
    try:
        async with httpx.AsyncClient(timeout=3.0) as client:
            response = await client.get(f"{action_url}/health")
    except httpx.HTTPError as error:
        return PartStatus(False, f"unreachable ({type(error).__name__})")
    return PartStatus(
        response.status_code == 200, "" if response.status_code == 200 else f"HTTP {response.status_code}"
    )


async def rasa_status(rasa: RasaClient) -> PartStatus:
    """Probe the Rasa server (needs a loaded model)."""
    if await rasa.healthy():
        return PartStatus(True)
    return PartStatus(False, "unreachable or no model loaded")


async def database_status(db: Database) -> PartStatus:
    """Run ``SELECT 1`` in a worker thread."""
    try:
        await to_thread.run_sync(db.ping)
    except Exception as error:  # any driver error means the database is not usable
        return PartStatus(False, type(error).__name__)
    return PartStatus(True)


async def check_all(rasa: RasaClient, action_url: str, db: Database) -> dict[str, PartStatus]:
    """Probe every part at once."""
    rasa_part, actions_part, database_part = await asyncio.gather(
        rasa_status(rasa), action_server_status(action_url), database_status(db)
    )
    return {"rasa": rasa_part, "actions": actions_part, "database": database_part}
