"""Filled in with the ledger work."""

urlpatterns: list = []
