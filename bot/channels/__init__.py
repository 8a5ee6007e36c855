"""Channels: the ways tenants reach the gateway."""
