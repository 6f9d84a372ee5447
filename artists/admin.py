from django.contrib import admin  # noqa: F401  (admin registrations arrive next)
