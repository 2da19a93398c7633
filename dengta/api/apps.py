from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "dengta.api"
    label = "api"
