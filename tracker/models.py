"""The tracker's own records (flags, job runs) arrive with the flags work."""
