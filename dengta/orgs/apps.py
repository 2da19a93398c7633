from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "dengta.orgs"
    label = "orgs"
