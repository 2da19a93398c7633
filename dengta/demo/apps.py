from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data set and demo logins. Sits at the bottom of the app order: it may import every app."""

    name = "dengta.demo"
    label = "demo"
