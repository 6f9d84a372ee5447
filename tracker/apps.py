from django.apps import AppConfig


class TrackerConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tracker"

    def ready(self):
        from artists.panels import register_overview_panel
        from tracker.panels import own_findings

        register_overview_panel("findings", template="tracker/_own_findings.html", context=own_findings)
