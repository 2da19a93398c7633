from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "dengta.orgs"
    label = "orgs"

    def ready(self) -> None:
        from dengta.core.jobs import set_viewer_loader
        from dengta.orgs.exports import viewer_for_job

        # Jobs run without a request: core asks orgs for the Viewer (core may not import orgs).
        set_viewer_loader(viewer_for_job)
