from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "dengta.registry"
    label = "registry"
