from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "dengta.reference"
    label = "reference"
