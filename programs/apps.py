from django.apps import AppConfig
from django.db.models.signals import post_delete


class ProgramsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "programs"

    def ready(self):
        from programs.evidence import remove_file_of_deleted_evidence

        post_delete.connect(
            remove_file_of_deleted_evidence, sender="programs.EnrollmentEvidence", dispatch_uid="evidence-file"
        )
