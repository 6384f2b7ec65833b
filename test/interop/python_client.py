"""Interop probe: the Python `mcp` SDK's Streamable HTTP client against our endpoint.

Usage: python python_client.py <url> <mode>
  <mode> is "auto" (server/discover, then the 2026-07-28 stateless wire) or "legacy"
  (the 2025 initialize handshake). The bearer token comes from the MCP_TOKEN environment variable
  (kept out of the process arguments). Connects, lists tools, calls `ping` and prints one JSON
  object on stdout:
  {"mode", "protocolVersion", "serverName", "tools": [...], "ping": {...}, "isError": bool}
"""

import asyncio
import json
import os
import sys

from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client


async def main(url: str, mode: str) -> None:
    token = os.environ["MCP_TOKEN"]
    async with create_mcp_http_client(headers={"Authorization": f"Bearer {token}"}) as http:
        transport = streamable_http_client(url, http_client=http, terminate_on_close=False)
        async with Client(transport, mode=mode, read_timeout_seconds=20) as client:
            tools = await client.list_tools()
            result = await client.call_tool("ping", {})
            server = client.server_info
            print(
                json.dumps(
                    {
                        "mode": mode,
                        "protocolVersion": client.protocol_version,
                        "serverName": server.name if server else None,
                        "tools": sorted(tool.name for tool in tools.tools),
                        "ping": result.structured_content,
                        "isError": bool(result.is_error),
                    }
                )
            )


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
