"""Huurhulp gateway: channels, conversation routing, persistence and the caseworker side."""
