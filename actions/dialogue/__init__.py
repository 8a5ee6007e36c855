"""Rasa custom actions, one module per feature. Pure logic lives one level up."""
